// Which client an IP address belongs to, per range of IANA's IPv4 and IPv6 Special-Purpose
// Address Registries (RFC 6890). The table, with the reasons, is in docs/client-keys.md.
import { formatIpv6, isIpv6, maskIpv6, parseIpv4, parseIpv6 } from './ipv6.js';

/** The one key of the local host: all of 127.0.0.0/8 (RFC 1122 §3.2.1.3) and ::1 (RFC 4291 §2.5.3). */
export const LOOPBACK_CLIENT_KEY = '127.0.0.1';

const COLON = 58;
const BRACKET = 91;

function low32(h: Uint16Array): number {
  return h[6]! * 65536 + h[7]!;
}

/**
 * The IPv4 client an IPv6 address stands for, as an unsigned 32-bit number, or -1 when it
 * names none. Covers the forms whose IPv4 address sits at a fixed place.
 */
export function embeddedIpv4(h: Uint16Array): number {
  const h0 = h[0]!;
  const h1 = h[1]!;
  if (h0 === 0 && h1 === 0 && h[2] === 0 && h[3] === 0) {
    const h4 = h[4]!;
    const h5 = h[5]!;
    if (h4 === 0 && h5 === 0xffff) return low32(h); // ::ffff:0:0/96 IPv4-mapped, RFC 4291 §2.5.5.2
    if (h4 === 0xffff && h5 === 0) return low32(h); // ::ffff:0:0:0/96 IPv4-translated, RFC 2765 §2.1
    // ::/96 IPv4-compatible (RFC 4291 §2.5.5.1, deprecated); :: and ::1 are not IPv4 hosts.
    if (h4 === 0 && h5 === 0 && (h[6] !== 0 || h[7]! > 1)) return low32(h);
    return -1;
  }
  // 64:ff9b::/96 NAT64 well-known prefix: the IPv4 host in the last 32 bits (RFC 6052 §2.2).
  if (h0 === 0x64 && h1 === 0xff9b && h[2] === 0 && h[3] === 0 && h[4] === 0 && h[5] === 0) return low32(h);
  // 2001::/32 Teredo: the client's public IPv4 (its NAT), bit-inverted, in the last 32 bits (RFC 4380 §4).
  if (h0 === 0x2001 && h1 === 0) return ~low32(h) >>> 0;
  // 2002::/16 6to4: the site's IPv4 in bits 16-47; the site is 2002:V4ADDR::/48 (RFC 3056 §2).
  if (h0 === 0x2002) return h1 * 65536 + h[2]!;
  return -1;
}

function ipv4Key(value: number): string {
  const first = value >>> 24;
  if (first === 127) return LOOPBACK_CLIENT_KEY;
  return `${first}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** IPv4 text as is, except that any loopback address is the local host's one key. */
function ipv4TextKey(ip: string): string {
  // Fast path: only text starting "127." can be a loopback address; most IPs fail the first test.
  if (ip.charCodeAt(2) !== 55 || ip.charCodeAt(0) !== 49 || ip.charCodeAt(1) !== 50 || ip.charCodeAt(3) !== 46) return ip;
  return ip === LOOPBACK_CLIENT_KEY || parseIpv4(ip) !== -1 ? LOOPBACK_CLIENT_KEY : ip;
}

/** `text[colon]` is ':' followed by a port number (1-65535) up to the end. */
export function isPortSuffix(text: string, colon: number): boolean {
  const digits = text.length - colon - 1;
  if (text.charCodeAt(colon) !== COLON || digits < 1 || digits > 5) return false;
  for (let i = colon + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  const port = Number(text.slice(colon + 1));
  return port >= 1 && port <= 65535;
}

/**
 * Proxies that append the peer's port (Azure Application Gateway and Front Door send
 * `203.0.113.9:51234` or `[2001:db8::1]:443`) would otherwise give every connection its own key.
 */
function withoutPort(ip: string, subnetBits: number | false): string {
  if (ip.charCodeAt(0) === BRACKET) {
    const close = ip.indexOf(']');
    if (close > 1 && (close === ip.length - 1 || isPortSuffix(ip, close + 1))) {
      const inner = ip.slice(1, close);
      if (inner.indexOf(':') !== -1 && isIpv6(inner)) return clientIpKey(inner, subnetBits);
    }
    return ip;
  }
  const colon = ip.indexOf(':');
  if (colon === ip.lastIndexOf(':') && isPortSuffix(ip, colon) && parseIpv4(ip, 0, colon) !== -1) return ipv4TextKey(ip.slice(0, colon));
  return ip;
}

/**
 * The client key for an IP as a framework reports it (`req.ip`, `ctx.ip`, `request.ip`):
 * - IPv4 as is; any of 127.0.0.0/8 and ::1 is the local host, `127.0.0.1`.
 * - IPv6 that stands for an IPv4 client (IPv4-mapped, -translated and -compatible, NAT64
 *   64:ff9b::/96, Teredo, 6to4) is that IPv4 client, whatever `subnetBits` says.
 * - Other IPv6 is grouped into its `/subnetBits` network in RFC 5952 form (`2001:db8::/64`), or
 *   kept whole with `subnetBits` false or 128; `::` and addresses in the local-use NAT64 prefix
 *   64:ff9b:1::/48 (RFC 8215, one IPv4 host each) are always kept whole. A zone id (`%eth0`,
 *   link-local peers) is kept: each link is its own network.
 * - `IPv4:port`, `[IPv6]` and `[IPv6]:port` lose the brackets and port.
 * - Any other text (a non-canonical IPv4 such as `010.0.0.1`, or not an IP) is returned
 *   unchanged: it is still one distinct client, never reinterpreted.
 */
export function clientIpKey(ip: string, subnetBits: number | false): string {
  if (ip.indexOf(':') === -1) return ipv4TextKey(ip);
  const zone = ip.indexOf('%');
  const h = parseIpv6(ip, zone === -1 ? ip.length : zone);
  if (h === undefined) return withoutPort(ip, subnetBits);
  const v4 = embeddedIpv4(h);
  if (v4 !== -1) return ipv4Key(v4);
  if (h[0] === 0 && h[1] === 0 && h[2] === 0 && h[3] === 0 && h[4] === 0 && h[5] === 0 && h[6] === 0) {
    if (h[7] === 1) return LOOPBACK_CLIENT_KEY;
    return '::'; // the unspecified address (RFC 4291 §2.5.2): no client, but never a network of them
  }
  const zoneId = zone === -1 ? '' : ip.slice(zone);
  const localNat64 = h[0] === 0x64 && h[1] === 0xff9b && h[2] === 1;
  if (subnetBits === false || subnetBits >= 128 || localNat64) return formatIpv6() + zoneId;
  maskIpv6(subnetBits);
  return formatIpv6() + '/' + subnetBits + zoneId;
}

/**
 * Prefixed to an IP key that holds `=`, which only text that is not an address can (a forged
 * `X-Forwarded-For: user=42` the app trusts). `?` is not an HTTP token character, so the key can
 * then never equal a `keys.header()` key (`x-api-key=...`) or a `keys.user()` key (`user=...`)
 * that shares its limiter.
 */
export const NOT_AN_ADDRESS_PREFIX = '?';

/** An IP key made safe to share a key space with `name=value` keys (see NOT_AN_ADDRESS_PREFIX). */
export function apartFromNamedKeys(ipKey: string): string {
  return ipKey.indexOf('=') === -1 ? ipKey : NOT_AN_ADDRESS_PREFIX + ipKey;
}
