import { apartFromNamedKeys, clientIpKey } from './client-address.js';
import { noClientKeyError } from './no-client-key.js';
import type { RequestAccess } from './request-access.js';
import { emitProcessWarning, UNTRUSTED_FORWARDED_FOR, type WarningHandler } from './warnings.js';

/** Options of `createClientIpKey`. */
export interface ClientIpKeyOptions {
  /** IPv6 prefix length to group by (1..128), or false. Already validated. */
  ipv6Subnet: number | false;
  /** Receives the one-time SLUICE_UNTRUSTED_FORWARDED_FOR warning. Default process.emitWarning. */
  onWarning?: WarningHandler | undefined;
  /**
   * The IP is the fallback of a `name=value` key (`keys.header()`, `keys.user()`): keep it out of
   * that key space with `apartFromNamedKeys`. Off for a plain IP key, whose hot path skips the scan.
   */
  besideNamedKeys?: boolean;
}

const UNTRUSTED_MESSAGE =
  'A request carried X-Forwarded-For, but the client IP came from the socket because the app does not trust ' +
  'proxies, so every client behind a proxy would share one bucket. Behind a reverse proxy, enable trust proxy ' +
  '(Express `app.set("trust proxy", ...)`, Koa `app.proxy = true`, Fastify `trustProxy`); otherwise ignore this: ' +
  'the header is client-controlled and is rightly not used.';

/**
 * The client's IP as the framework resolved it, as `clientIpKey` keys it (the address table in
 * docs/client-keys.md: IPv4-mapped, NAT64, Teredo and 6to4 as their IPv4 client, IPv6 by subnet).
 * Warns once per key function when X-Forwarded-For arrives but was not trusted.
 */
export function createClientIpKey<Req>(access: RequestAccess<Req>, options: ClientIpKeyOptions): (req: Req) => string {
  const subnet = options.ipv6Subnet;
  const warn = options.onWarning ?? emitProcessWarning;
  const named = options.besideNamedKeys === true;
  let warned = false;
  return function clientIp(req: Req): string {
    const ip = access.ip(req);
    if (ip === undefined || ip === '') throw noClientKeyError('the client IP is unknown (the connection has closed)');
    if (!warned && access.header(req, 'x-forwarded-for') !== undefined && ip === access.socketIp(req)) {
      warned = true;
      warn({ code: UNTRUSTED_FORWARDED_FOR, message: UNTRUSTED_MESSAGE });
    }
    return named ? apartFromNamedKeys(clientIpKey(ip, subnet)) : clientIpKey(ip, subnet);
  };
}
