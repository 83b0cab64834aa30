// Hand-written IPv6 parsing and formatting (RFC 4291 text forms in, RFC 5952 canonical out),
// allocation-light because it runs on every request from an IPv6 client.

const COLON = 58;
const DOT = 46;

/** Scratch space for the 8 hextets of the address being parsed (parsing is synchronous). */
const hextets = new Uint16Array(8);

/** The value of a hex digit's char code (either case), or -1. */
export function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  return -1;
}

/**
 * Dotted-quad IPv4 in text[start, end) as an unsigned 32-bit number, or -1. Like `inet_pton` and
 * Node's `net.isIPv4`, a leading zero (`010.0.0.1`: octal to some parsers, decimal to others) or
 * a short form (`127.1`) is not an address, so it is never read as one it may not mean.
 */
export function parseIpv4(text: string, start = 0, end = text.length): number {
  let value = 0;
  let octets = 0;
  let i = start;
  while (octets < 4) {
    let octet = 0;
    let digits = 0;
    while (i < end) {
      const code = text.charCodeAt(i);
      if (code < 48 || code > 57 || (digits === 1 && octet === 0)) break;
      octet = octet * 10 + (code - 48);
      digits++;
      i++;
    }
    if (digits === 0 || digits > 3 || octet > 255) return -1;
    value = value * 256 + octet;
    octets++;
    if (octets < 4) {
      if (i >= end || text.charCodeAt(i) !== DOT) return -1;
      i++;
    }
  }
  return i === end ? value : -1;
}

/**
 * Parses text[0, end) into `hextets`. Accepts `::` compression anywhere and an embedded
 * IPv4 tail (`::ffff:1.2.3.4`, `64:ff9b::1.2.3.4`). Returns false for anything else.
 */
function parseInto(text: string, end: number): boolean {
  let count = 0;
  let gap = -1; // index in `hextets` where `::` stands
  let i = 0;
  if (text.charCodeAt(0) === COLON) {
    if (text.charCodeAt(1) !== COLON) return false;
    gap = 0;
    i = 2;
  }
  while (i < end) {
    if (count === 8) return false;
    const start = i;
    let value = 0;
    let digits = 0;
    while (i < end) {
      const digit = hexDigit(text.charCodeAt(i));
      if (digit < 0) break;
      value = value * 16 + digit;
      digits++;
      i++;
    }
    if (i < end && text.charCodeAt(i) === DOT) {
      // Embedded IPv4: only as the last 32 bits.
      if (count > 6) return false;
      const v4 = parseIpv4(text, start, end);
      if (v4 < 0) return false;
      hextets[count++] = Math.floor(v4 / 65536);
      hextets[count++] = v4 % 65536;
      i = end;
      break;
    }
    if (digits === 0 || digits > 4) return false;
    hextets[count++] = value;
    if (i === end) break;
    if (text.charCodeAt(i) !== COLON) return false;
    i++;
    if (i < end && text.charCodeAt(i) === COLON) {
      if (gap !== -1) return false;
      gap = count;
      i++;
    } else if (i === end) {
      return false; // a single trailing colon
    }
  }
  if (gap === -1) return count === 8;
  if (count > 7) return false; // `::` must stand for at least one group
  const tail = count - gap;
  for (let k = 1; k <= tail; k++) hextets[8 - k] = hextets[count - k]!;
  for (let k = gap; k < 8 - tail; k++) hextets[k] = 0;
  return true;
}

function isIpv4Mapped(): boolean {
  return hextets[0] === 0 && hextets[1] === 0 && hextets[2] === 0 && hextets[3] === 0 && hextets[4] === 0 && hextets[5] === 0xffff;
}

function mappedIpv4(): string {
  const high = hextets[6]!;
  const low = hextets[7]!;
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

function applyPrefix(bits: number): void {
  for (let i = 0; i < 8; i++) {
    const keep = bits - i * 16;
    if (keep >= 16) continue;
    hextets[i] = keep <= 0 ? 0 : hextets[i]! & ((0xffff << (16 - keep)) & 0xffff);
  }
}

/** RFC 5952: lowercase, no leading zeros, the longest run (>= 2) of zero groups as `::`, the first on a tie. */
function formatCanonical(): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (hextets[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && hextets[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += '::';
      i += bestLength - 1;
      continue;
    }
    if (out.length > 0 && !out.endsWith(':')) out += ':';
    out += hextets[i]!.toString(16);
  }
  return out;
}

/**
 * The 8 hextets of the IPv6 address in text[0, end) (no zone id), or undefined. The array is
 * scratch space shared by every call: read it before the next parse.
 */
export function parseIpv6(text: string, end = text.length): Uint16Array | undefined {
  return parseInto(text, end) ? hextets : undefined;
}

/** The RFC 5952 text of the hextets `parseIpv6` returned, after `maskIpv6` if grouping. */
export function formatIpv6(): string {
  return formatCanonical();
}

/** Zeroes all but the first `bits` bits of the hextets `parseIpv6` returned. */
export function maskIpv6(bits: number): void {
  applyPrefix(bits);
}

/** True when `text` parses as an IPv6 address (zone id allowed). */
export function isIpv6(text: string): boolean {
  const zone = text.indexOf('%');
  return parseInto(text, zone === -1 ? text.length : zone);
}

/** The RFC 5952 canonical form of an IPv6 address (zone id dropped), or undefined if it is not one. */
export function canonicalIpv6(text: string): string | undefined {
  const zone = text.indexOf('%');
  return parseInto(text, zone === -1 ? text.length : zone) ? formatCanonical() : undefined;
}

/**
 * The network an IPv6 address belongs to, as `<canonical network>/<bits>` (e.g.
 * `2001:db8::/64`); an IPv4-mapped address comes back as plain IPv4. Undefined if `text`
 * is not IPv6.
 */
export function ipv6Network(text: string, bits: number): string | undefined {
  const zone = text.indexOf('%');
  if (!parseInto(text, zone === -1 ? text.length : zone)) return undefined;
  if (isIpv4Mapped()) return mappedIpv4();
  if (bits >= 128) return formatCanonical();
  applyPrefix(bits);
  return formatCanonical() + '/' + bits;
}
