import { InvalidOptionError } from '../errors.js';
import { assertKnownKeys, assertPlainObject } from '../validate.js';
import { createClientIpKey } from './client-ip-key.js';
import { assertIpv6Subnet } from './ipv6-subnet-option.js';
import { noClientKeyError } from './no-client-key.js';
import type { RequestAccess } from './request-access.js';
import type { WarningHandler } from './warnings.js';

/** Count per route and/or method as well as per client. */
export interface KeyScopeOptions {
  /** Prefix the key with the matched route (e.g. `/users/:id`), so each route has its own bucket. */
  route?: boolean;
  /** Prefix the key with the HTTP method. */
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

export interface KeyBuilders<Req> {
  /** The client IP as the framework resolved it (the default key). */
  ip(options?: IpKeyOptions): (req: Req) => string;
  /** A header's value, e.g. an API key: `header=value`, so it can never collide with an IP key. */
  header(name: string, options?: FallbackKeyOptions): (req: Req) => string;
  /** The authenticated user: `user=<id>` from `identify(req)`. */
  user(identify: (req: Req) => string | number | null | undefined, options?: FallbackKeyOptions): (req: Req) => string;
}

const SCOPE_KEYS = ['route', 'method'];
const IP_KEYS = new Set([...SCOPE_KEYS, 'ipv6Subnet', 'onWarning']);
const FALLBACK_KEYS = new Set([...IP_KEYS, 'fallback']);
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function readOptions(options: unknown, known: ReadonlySet<string>, what: string): Record<string, unknown> {
  if (options === undefined) return {};
  assertPlainObject(options, what);
  assertKnownKeys(options, known, '');
  for (const flag of SCOPE_KEYS) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') throw new InvalidOptionError(flag, options[flag], 'a boolean');
  }
  if (options.onWarning !== undefined && typeof options.onWarning !== 'function') {
    throw new InvalidOptionError('onWarning', options.onWarning, 'a function');
  }
  if (options.fallback !== undefined && options.fallback !== 'ip' && options.fallback !== 'error') {
    throw new InvalidOptionError('fallback', options.fallback, "'ip' or 'error'");
  }
  return options;
}

/** Wraps a key with the method and/or route, by plain concatenation. */
function scoped<Req>(access: RequestAccess<Req>, key: (req: Req) => string, options: Record<string, unknown>): (req: Req) => string {
  const route = options.route === true;
  const method = options.method === true;
  if (route && method) return (req) => access.method(req) + ' ' + access.route(req) + ' ' + key(req);
  if (route) return (req) => access.route(req) + ' ' + key(req);
  if (method) return (req) => access.method(req) + ' ' + key(req);
  return key;
}

function ipKeyFrom<Req>(access: RequestAccess<Req>, options: Record<string, unknown>): (req: Req) => string {
  return createClientIpKey(access, {
    ipv6Subnet: assertIpv6Subnet(options.ipv6Subnet),
    onWarning: options.onWarning as WarningHandler | undefined,
  });
}

/** The fallback for a request without the header or user: its IP, or a NO_CLIENT_KEY error. */
function fallbackFrom<Req>(access: RequestAccess<Req>, options: Record<string, unknown>, missing: string): (req: Req) => string {
  if (options.fallback === 'error') {
    return () => {
      throw noClientKeyError(missing);
    };
  }
  return ipKeyFrom(access, options);
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
