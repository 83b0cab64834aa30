import { InvalidOptionError } from '../errors.js';
import { embeddedIpv4, isPortSuffix, NOT_AN_ADDRESS_PREFIX } from '../keys/client-address.js';
import { parseIpv4, parseIpv6 } from '../keys/ipv6.js';
import type { RequestAccess } from '../keys/request-access.js';
import type { HttpFramework } from './framework.js';

/**
 * An allow or deny list: client keys, IPs and CIDR ranges (`'10.0.0.0/8'`, `'2001:db8::/32'`),
 * or a function of the request (sync or async; a throw or rejection goes to the framework's
 * error handling, like every other callback). IP and range entries match the framework's client IP
 * (IPv6 entries the address as seen, IPv4 entries also the IPv4 client an IPv6 address stands
 * for); other entries match the client key. An entry shaped like an IP that does not parse
 * (`'10.0.0.0 /8'`) throws InvalidOptionError naming `allowList[i]` / `denyList[i]`.
 */
export type AccessList<Req> = readonly string[] | ((req: Req) => boolean | PromiseLike<boolean>);

/** What the lists say about a request: 'allow', 'deny', or undefined (neither: the limiter decides). */
export type Listed = 'allow' | 'deny' | undefined;

/** An IPv4 range: `network` and every address are compared divided by `size` (2^(32 - bits)), rounded down. */
interface Ipv4Range {
  readonly block: number;
  readonly size: number;
}
/** An IPv6 range: the network's 8 hextets and its prefix length. */
interface Ipv6Range {
  readonly hextets: Uint16Array;
  readonly bits: number;
}

const LOOPBACK_IPV4 = 0x7f000001;
const BRACKET = 91;
/** `readAddress`: the text is not an IP address in any form a framework reports. */
const NOT_AN_ADDRESS = -2;
/** `readAddress`: an IPv6 address, its hextets in the scratch space `parseIpv6` returned. */
const IPV6 = -1;
let seenHextets: Uint16Array | undefined;

/**
 * Reads a framework's client IP as seen, the way `clientIpKey` accepts it (`IPv4`, `IPv4:port`,
 * IPv6 with or without a zone id, `[IPv6]`, `[IPv6]:port`): the IPv4 address as an unsigned 32-bit
 * number, IPV6 (hextets in `seenHextets`), or NOT_AN_ADDRESS.
 */
function readAddress(ip: string): number {
  let text = ip;
  if (ip.charCodeAt(0) === BRACKET) {
    const close = ip.indexOf(']');
    if (close < 2 || (close !== ip.length - 1 && !isPortSuffix(ip, close + 1))) return NOT_AN_ADDRESS;
    text = ip.slice(1, close);
    if (text.indexOf(':') === -1) return NOT_AN_ADDRESS;
  } else {
    const colon = ip.indexOf(':');
    if (colon === -1) {
      const value = parseIpv4(ip);
      return value >= 0 ? value : NOT_AN_ADDRESS;
    }
    // One colon: only `IPv4:port` (an IPv6 address has at least two).
    if (colon === ip.lastIndexOf(':')) {
      const value = isPortSuffix(ip, colon) ? parseIpv4(ip, 0, colon) : -1;
      return value >= 0 ? value : NOT_AN_ADDRESS;
    }
  }
  const zone = text.indexOf('%');
  const hextets = parseIpv6(text, zone === -1 ? text.length : zone);
  if (hextets === undefined) return NOT_AN_ADDRESS;
  seenHextets = hextets;
  return IPV6;
}

/** ::1, which the client key counts as the local host, 127.0.0.1. */
function isIpv6Loopback(h: Uint16Array): boolean {
  return h[0] === 0 && h[1] === 0 && h[2] === 0 && h[3] === 0 && h[4] === 0 && h[5] === 0 && h[6] === 0 && h[7] === 1;
}

/** ::ffff:0:0/96, how a dual-stack socket writes an IPv4 peer. */
function isIpv4Mapped(h: Uint16Array): boolean {
  return h[0] === 0 && h[1] === 0 && h[2] === 0 && h[3] === 0 && h[4] === 0 && h[5] === 0xffff;
}

function ipv4Range(value: number, bits: number): Ipv4Range {
  const size = 2 ** (32 - bits);
  return { block: Math.floor(value / size), size };
}

const MALFORMED = 'a well-formed IP or CIDR range (IPv4 as four decimal octets without leading zeros; no zone id, brackets or port)';
/** Dotted digits (`10.1`, `010.0.0.1`, `1.2.3.4.5`, `10.0.0.1:80`), perhaps bracketed, perhaps with a `/...` suffix. */
const IPV4_SHAPED = /^\[?\d+(?:\.\d*)+\]?(?::\d*)?(?:\/.*)?$/;
/** Two or more colons between hex digits (`1:2:3:4:5:6:7:8:9`, `fe80::1%eth0`, `[::1]:443`), or a hex start with `::` (`2001:db8::g`). */
const IPV6_SHAPED = /^\[?(?:[\da-f]*:){2,}[\da-f.]*\]?(?::\d*)?(?:[%/].*)?$|^\[?[\da-f:]*::/i;

/**
 * An entry that is not an IP or range but is shaped like one, spaces aside: a typo or a pasted
 * form, never meant as a client key (taken as one, it would silently never match).
 */
function looksLikeAddress(entry: string): boolean {
  const compact = entry.replace(/\s+/g, '');
  return IPV4_SHAPED.test(compact) || IPV6_SHAPED.test(compact);
}

/**
 * One array list, parsed once: exact client keys, IPv4 ranges, IPv6 ranges. IPv6 ranges match the
 * IPv6 address as seen; IPv4 ranges match an IPv4 address as seen and the IPv4 client an IPv6
 * address stands for (mapped, translated, compatible, NAT64 64:ff9b::/96, Teredo, 6to4; ::1 and
 * 127.0.0.0/8 as 127.0.0.1), as the client key counts it. An IPv4-mapped entry
 * (`::ffff:192.0.2.0/120`) is also that IPv4 range, since a dual-stack socket writes IPv4 peers so.
 */
class EntryList {
  readonly keys = new Set<string>();
  readonly v4: Ipv4Range[] = [];
  readonly v6: Ipv6Range[] = [];

  constructor(entries: readonly unknown[], option: string) {
    entries.forEach((entry, index) => {
      const path = `${option}[${index}]`;
      if (typeof entry !== 'string' || entry.trim().length === 0) throw new InvalidOptionError(path, entry, 'a client key, an IP or a CIDR range (a non-blank string)');
      const shaped = looksLikeAddress(entry);
      if (shaped && /\s/.test(entry)) throw new InvalidOptionError(path, entry, 'an IP or CIDR range without spaces');
      if (this.addAddress(entry, path)) return;
      if (shaped) throw new InvalidOptionError(path, entry, MALFORMED);
      this.keys.add(entry);
    });
  }

  /** Adds `entry` as an IP or CIDR range; false when it is not one (then it is a client key). */
  private addAddress(entry: string, path: string): boolean {
    const slash = entry.indexOf('/');
    const address = slash < 0 ? entry : entry.slice(0, slash);
    const isV4 = address.indexOf(':') < 0;
    if (isV4 ? parseIpv4(address) < 0 : parseIpv6(address) === undefined) return false;
    const max = isV4 ? 32 : 128;
    const bitsText = slash < 0 ? String(max) : entry.slice(slash + 1);
    const bits = Number(bitsText);
    if (!/^\d{1,3}$/.test(bitsText) || bits > max) throw new InvalidOptionError(path, entry, `a CIDR range with a prefix length from 0 to ${max}`);
    if (isV4) {
      this.v4.push(ipv4Range(parseIpv4(address), bits));
      return true;
    }
    const hextets = Uint16Array.from(parseIpv6(address)!);
    this.v6.push({ hextets, bits });
    if (bits >= 96 && isIpv4Mapped(hextets)) this.v4.push(ipv4Range(hextets[6]! * 65536 + hextets[7]!, bits - 96));
    return true;
  }

  /**
   * `key` is listed, or `ip` (the framework's client IP, any text) falls in a listed range. A key
   * that is the text of an "IP" that is not an address (an X-Forwarded-For the app trusts without
   * a bound: `health-checker`) came from the client, not from a key function: it matches no key entry.
   */
  matches(key: string, ip: string | undefined): boolean {
    if (this.keys.has(key) && !isIpText(key, ip)) return true;
    if (ip === undefined || ip === '' || (this.v4.length === 0 && this.v6.length === 0)) return false;
    const seen = readAddress(ip);
    if (seen >= 0) return this.matchesIpv4(seen);
    if (seen === NOT_AN_ADDRESS) return false;
    const hextets = seenHextets!;
    for (const range of this.v6) if (inRange(hextets, range)) return true;
    if (this.v4.length === 0) return false;
    const client = embeddedIpv4(hextets);
    if (client >= 0) return this.matchesIpv4(client);
    return isIpv6Loopback(hextets) && this.matchesIpv4(LOOPBACK_IPV4);
  }

  /** `value` (or, for any of 127.0.0.0/8, the local host's 127.0.0.1) falls in a listed IPv4 range. */
  private matchesIpv4(value: number): boolean {
    for (const range of this.v4) if (Math.floor(value / range.size) === range.block) return true;
    return value >>> 24 === 127 && value !== LOOPBACK_IPV4 && this.matchesIpv4(LOOPBACK_IPV4);
  }
}

/** `key` is the client key of `ip` (as is, or made apart from named keys) and `ip` is not an IP address. */
function isIpText(key: string, ip: string | undefined): boolean {
  if (ip === undefined || (key !== ip && key !== NOT_AN_ADDRESS_PREFIX + ip)) return false;
  return readAddress(ip) === NOT_AN_ADDRESS;
}

function inRange(hextets: Uint16Array, range: Ipv6Range): boolean {
  let bits = range.bits;
  for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if ((hextets[i]! & mask) !== (range.hextets[i]! & mask)) return false;
  }
  return true;
}

type Matcher<Req> = (req: Req, key: string) => boolean | PromiseLike<boolean>;

function matcherOf<Req>(list: unknown, option: string, access: RequestAccess<Req>): Matcher<Req> | undefined {
  if (list === undefined) return undefined;
  if (typeof list === 'function') return list as Matcher<Req>;
  if (!Array.isArray(list)) throw new InvalidOptionError(option, list, 'an array of client keys, IPs and CIDR ranges, or a function of the request');
  const entries = new EntryList(list, option);
  return (req, key) => entries.matches(key, access.ip(req));
}

const FORBIDDEN_BODY = JSON.stringify({
  type: 'about:blank',
  title: 'Forbidden',
  status: 403,
  detail: 'This client is on the deny list.',
});

/**
 * The adapter options `allowList` and `denyList`, answered before any store call: a denied
 * request gets 403 with an RFC 9457 problem+json body (no RateLimit headers: nothing was
 * measured); an allowed one goes through uncounted and without headers, like `skip`. The deny
 * list is asked first and wins when both match. Throws InvalidOptionError naming the option (or
 * `allowList[i]`) at construction.
 */
export class AccessLists<Req> {
  private constructor(
    private readonly deny: Matcher<Req> | undefined,
    private readonly allow: Matcher<Req> | undefined,
  ) {}

  /** The lists of `options`, or undefined when it has neither (the engine then pays nothing). */
  static of<Req>(options: Record<string, unknown>, access: RequestAccess<Req>): AccessLists<Req> | undefined {
    const deny = matcherOf(options.denyList, 'denyList', access);
    const allow = matcherOf(options.allowList, 'allowList', access);
    return deny === undefined && allow === undefined ? undefined : new AccessLists(deny, allow);
  }

  /** What the lists say about the request with client key `key`: synchronous unless a list function returns a promise. */
  match(req: Req, key: string): Listed | PromiseLike<Listed> {
    const denied = this.deny === undefined ? false : this.deny(req, key);
    if (typeof denied === 'boolean') return denied ? 'deny' : this.allowed(req, key);
    return Promise.resolve(denied).then((yes) => (yes ? 'deny' : this.allowed(req, key)));
  }

  private allowed(req: Req, key: string): Listed | PromiseLike<Listed> {
    const allowed = this.allow === undefined ? false : this.allow(req, key);
    if (typeof allowed === 'boolean') return allowed ? 'allow' : undefined;
    return Promise.resolve(allowed).then((yes) => (yes ? 'allow' : undefined));
  }

  /** Answers a listed request: the route runs (allow), or 403 problem+json (deny). */
  static answer<Req, Res, Next, OnLimited>(
    framework: HttpFramework<Req, Res, Next, OnLimited>,
    req: Req,
    res: Res,
    next: Next,
    listed: 'allow' | 'deny',
  ): unknown {
    if (listed === 'allow') return framework.proceed(req, res, next);
    framework.sendProblem(req, res, 403, FORBIDDEN_BODY);
    return framework.denied(req, res, next);
  }
}
