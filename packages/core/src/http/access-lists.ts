import { InvalidOptionError } from '../errors.js';
import { clientIpKey } from '../keys/client-address.js';
import { parseIpv4, parseIpv6 } from '../keys/ipv6.js';
import type { RequestAccess } from '../keys/request-access.js';
import type { HttpFramework } from './framework.js';

/**
 * An allow or deny list: client keys, IPs and CIDR ranges (`'10.0.0.0/8'`, `'2001:db8::/32'`),
 * or a function of the request (sync or async; a throw or rejection goes to the framework's
 * error handling, like every other callback).
 */
export type AccessList<Req> = readonly string[] | ((req: Req) => boolean | PromiseLike<boolean>);

/** What the lists say about a request: 'allow', 'deny', or undefined (neither: the limiter decides). */
export type Listed = 'allow' | 'deny' | undefined;

/** An IPv4 range: the network as an unsigned 32-bit number and its prefix length. */
interface Ipv4Range {
  readonly network: number;
  readonly bits: number;
}
/** An IPv6 range: the network's 8 hextets and its prefix length. */
interface Ipv6Range {
  readonly hextets: Uint16Array;
  readonly bits: number;
}

/** One array list, parsed once: exact client keys, IPv4 ranges, IPv6 ranges. */
class EntryList {
  readonly keys = new Set<string>();
  readonly v4: Ipv4Range[] = [];
  readonly v6: Ipv6Range[] = [];

  constructor(entries: readonly unknown[], option: string) {
    entries.forEach((entry, index) => {
      const path = `${option}[${index}]`;
      if (typeof entry !== 'string' || entry.length === 0) throw new InvalidOptionError(path, entry, 'a client key, an IP or a CIDR range (a non-empty string)');
      if (!this.addAddress(entry, path)) this.keys.add(entry);
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
      const value = parseIpv4(address);
      this.v4.push({ network: bits === 0 ? 0 : value - (value % 2 ** (32 - bits)), bits });
    } else {
      this.v6.push({ hextets: Uint16Array.from(parseIpv6(address)!), bits });
    }
    return true;
  }

  /** `key` is listed, or `ip` (the framework's client IP, any text) falls in a listed range. */
  matches(key: string, ip: string | undefined): boolean {
    if (this.keys.has(key)) return true;
    if (ip === undefined || ip === '' || (this.v4.length === 0 && this.v6.length === 0)) return false;
    // The IP as the client key knows it: IPv4-mapped and friends unwrapped, brackets and port dropped.
    const canonical = clientIpKey(ip, false);
    if (canonical.indexOf(':') < 0) {
      const value = parseIpv4(canonical);
      return value >= 0 && this.v4.some((range) => range.bits === 0 || Math.floor(value / 2 ** (32 - range.bits)) === Math.floor(range.network / 2 ** (32 - range.bits)));
    }
    const zone = canonical.indexOf('%');
    const hextets = parseIpv6(canonical, zone < 0 ? canonical.length : zone);
    return hextets !== undefined && this.v6.some((range) => inRange(hextets, range));
  }
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
