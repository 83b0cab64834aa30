import { InvalidOptionError } from '../errors.js';
import { assertKnownKeys, assertPlainObject } from '../validate.js';
import { createClientIpKey } from './client-ip-key.js';
import { assertIpv6Subnet } from './ipv6-subnet-option.js';
import { noClientKeyError } from './no-client-key.js';
import type { RequestAccess } from './request-access.js';
import type { RouteMatching } from './route-path.js';
import type { WarningHandler } from './warnings.js';

/** Count per route and/or method as well as per client. */
export interface KeyScopeOptions {
  /**
   * Prefix the key with the route, so each route has its own bucket: the matched pattern (e.g.
   * `/users/:id`) where the framework knows it, else the path normalised as the router compares
   * paths (see docs/client-keys.md). An object overrides the router settings the adapter reads,
   * e.g. `{ caseSensitive: true, strict: true }` for an app-wide Koa middleware in front of a
   * `new Router({ sensitive: true, strict: true })`.
   */
  route?: boolean | RouteMatching;
  /** Prefix the key with the HTTP method (`HEAD` counts as `GET`, whose handler serves it). */
  method?: boolean;
}

export interface IpKeyOptions extends KeyScopeOptions {
  /** IPv6 prefix length (1..128) or false; default 64. */
  ipv6Subnet?: number | false;
  /** Where the one-time "X-Forwarded-For not trusted" warning goes; default `process.emitWarning`. */
  onWarning?: WarningHandler;
}

export interface FallbackKeyOptions extends IpKeyOptions {
  /** When the request has no such header or user: count it by client IP (default) or fail with ERR_SLUICE_NO_CLIENT_KEY. */
  fallback?: 'ip' | 'error';
}

/**
 * Ready-made key functions (`keys` in each adapter): by IP, header, user, route. Bad options
 * throw InvalidOptionError naming them when the builder is called, not per request.
 */
export interface KeyBuilders<Req> {
  /** The client IP as the framework resolved it (the default key). */
  ip(options?: IpKeyOptions): (req: Req) => string;
  /** A header's value, e.g. an API key: `header=value`, so it can never collide with an IP key. */
  header(name: string, options?: FallbackKeyOptions): (req: Req) => string;
  /** The authenticated user: `user=<id>` from `identify(req)`. */
  user(identify: (req: Req) => string | number | null | undefined, options?: FallbackKeyOptions): (req: Req) => string;
}

const ROUTE_MATCHING_KEYS = new Set(['caseSensitive', 'strict']);
const IP_KEYS = new Set(['route', 'method', 'ipv6Subnet', 'onWarning']);
const FALLBACK_KEYS = new Set([...IP_KEYS, 'fallback']);
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function readOptions(options: unknown, known: ReadonlySet<string>, what: string): Record<string, unknown> {
  if (options === undefined) return {};
  assertPlainObject(options, what);
  assertKnownKeys(options, known, '');
  if (options.method !== undefined && typeof options.method !== 'boolean') throw new InvalidOptionError('method', options.method, 'a boolean');
  readRouteOption(options.route);
  if (options.onWarning !== undefined && typeof options.onWarning !== 'function') {
    throw new InvalidOptionError('onWarning', options.onWarning, 'a function');
  }
  if (options.fallback !== undefined && options.fallback !== 'ip' && options.fallback !== 'error') {
    throw new InvalidOptionError('fallback', options.fallback, "'ip' or 'error'");
  }
  return options;
}

/** `route`: a boolean, or `{ caseSensitive?, strict? }` with boolean values. */
function readRouteOption(value: unknown): void {
  if (value === undefined || typeof value === 'boolean') return;
  const expected = 'a boolean or { caseSensitive?: boolean, strict?: boolean }';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidOptionError('route', value, expected);
  assertKnownKeys(value, ROUTE_MATCHING_KEYS, 'route');
  for (const name of ROUTE_MATCHING_KEYS) {
    const flag = (value as Record<string, unknown>)[name];
    if (flag !== undefined && typeof flag !== 'boolean') throw new InvalidOptionError('route.' + name, flag, 'a boolean');
  }
}

/** Frameworks answer HEAD with the GET handler (unless a HEAD route exists): one bucket for both. */
function methodOf<Req>(access: RequestAccess<Req>, req: Req): string {
  const method = access.method(req);
  return method === 'HEAD' ? 'GET' : method;
}

/** Wraps a key with the method and/or route, by plain concatenation. */
function scoped<Req>(access: RequestAccess<Req>, key: (req: Req) => string, options: Record<string, unknown>): (req: Req) => string {
  const route = options.route !== undefined && options.route !== false;
  // Copied so a later change to the caller's object cannot change live keys.
  const matching: RouteMatching | undefined = typeof options.route === 'object' ? { ...(options.route as RouteMatching) } : undefined;
  const method = options.method === true;
  if (route && method) return (req) => methodOf(access, req) + ' ' + access.route(req, matching) + ' ' + key(req);
  if (route) return (req) => access.route(req, matching) + ' ' + key(req);
  if (method) return (req) => methodOf(access, req) + ' ' + key(req);
  return key;
}

function ipKeyFrom<Req>(access: RequestAccess<Req>, options: Record<string, unknown>, besideNamedKeys = false): (req: Req) => string {
  return createClientIpKey(access, {
    ipv6Subnet: assertIpv6Subnet(options.ipv6Subnet),
    onWarning: options.onWarning as WarningHandler | undefined,
    besideNamedKeys,
  });
}

/** The fallback for a request without the header or user: its IP, or a NO_CLIENT_KEY error. */
function fallbackFrom<Req>(access: RequestAccess<Req>, options: Record<string, unknown>, missing: string): (req: Req) => string {
  if (options.fallback === 'error') {
    return () => {
      throw noClientKeyError(missing);
    };
  }
  return ipKeyFrom(access, options, true);
}

/** Ready-made key functions for one framework's request type. */
export function createKeyBuilders<Req>(access: RequestAccess<Req>): KeyBuilders<Req> {
  return {
    ip(options) {
      const read = readOptions(options, IP_KEYS, 'keys.ip() options');
      return scoped(access, ipKeyFrom(access, read), read);
    },
    header(name, options) {
      if (typeof name !== 'string' || !HEADER_NAME.test(name)) throw new InvalidOptionError('name', name, 'an HTTP header name');
      const read = readOptions(options, FALLBACK_KEYS, 'keys.header() options');
      const lower = name.toLowerCase();
      const prefix = lower + '=';
      const fallback = fallbackFrom(access, read, `the request has no ${lower} header`);
      const key = (req: Req): string => {
        const raw = access.header(req, lower);
        const value = Array.isArray(raw) ? raw[0] : raw;
        return value === undefined || value === '' ? fallback(req) : prefix + value;
      };
      return scoped(access, key, read);
    },
    user(identify, options) {
      if (typeof identify !== 'function') throw new InvalidOptionError('identify', identify, 'a function returning the user id');
      const read = readOptions(options, FALLBACK_KEYS, 'keys.user() options');
      const fallback = fallbackFrom(access, read, 'the request has no authenticated user');
      const key = (req: Req): string => {
        const id = identify(req);
        return id === undefined || id === null || id === '' ? fallback(req) : 'user=' + id;
      };
      return scoped(access, key, read);
    },
  };
}
