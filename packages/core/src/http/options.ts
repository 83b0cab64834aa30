import { InvalidOptionError, type StoreError } from '../errors.js';
import { HEADERS_FORMATS, type HeadersFormat } from '../headers/names.js';
import { createClientIpKey } from '../keys/client-ip-key.js';
import { assertIpv6Subnet } from '../keys/ipv6-subnet-option.js';
import type { KeyFunction, RequestAccess } from '../keys/request-access.js';
import { emitProcessWarning, type WarningHandler } from '../keys/warnings.js';
import { createLimiter, type Limiter } from '../limiter/create-limiter.js';
import { isStore, resolveLimiterOptions, type FailurePolicy, type LimiterOptions } from '../limiter/options.js';
import type { Policy } from '../policies/policy.js';
import { MemoryStore } from '../store/memory-store.js';
import type { Store } from '../store/types.js';
import { assertKnownKeys, assertPlainObject } from '../validate.js';
import { compilePolicySet, type PolicySet } from './policy-set.js';
import { PolicySetCache } from './policy-set-cache.js';

/** Policies for every request, or chosen per request (plans, tiers), possibly asynchronously. */
export type PoliciesOption<Req> = readonly Policy[] | ((req: Req) => readonly Policy[] | PromiseLike<readonly Policy[]>);

/** The options every adapter takes; `Req` is the framework's request (Koa: the context). */
export interface RateLimitOptions<Req, OnLimited> {
  /** A limiter built with `createLimiter`. Excludes the inline limiter options below. */
  limiter?: Limiter;
  /** Inline limiter options (see createLimiter), except that `policies` may be a function of the request. */
  policies?: PoliciesOption<Req>;
  store?: Store;
  prefix?: string;
  onStoreError?: FailurePolicy;
  timeoutMs?: number;
  onError?: (error: StoreError) => void;
  /** The client key. Default: the client IP as the framework resolved it (trust proxy applied). */
  key?: KeyFunction<Req>;
  /** Units this request costs (integer >= 1). Default 1. */
  cost?: (req: Req) => number | PromiseLike<number>;
  /** True to let the request through uncounted and without headers. */
  skip?: (req: Req) => boolean | PromiseLike<boolean>;
  /** Which RateLimit header syntax to send, or false for none. Default 'draft-10'. */
  headers?: HeadersFormat | false;
  /** Also send X-RateLimit-Limit / -Remaining / -Reset (epoch seconds). Default false. */
  legacyHeaders?: boolean;
  /** Replaces the default 429 problem+json response (the rate-limit headers are already set). */
  onLimited?: OnLimited;
  /** After the response: true gives the request's cost back (e.g. `status => status < 400` to count only failures). */
  refund?: (statusCode: number) => boolean;
  /** IPv6 prefix length the default key groups clients by (1..128), or false. Default 64. */
  ipv6Subnet?: number | false;
  /** Where one-time configuration warnings go. Default: `process.emitWarning`. */
  onWarning?: WarningHandler;
}

/** Where a request's policy set comes from: fixed, or looked up per request. */
export type PolicySource<Req> =
  | { readonly fixed: PolicySet; readonly perRequest?: undefined; readonly cache?: undefined }
  | {
      readonly fixed?: undefined;
      readonly perRequest: (req: Req) => readonly Policy[] | PromiseLike<readonly Policy[]>;
      readonly cache: PolicySetCache;
    };

export interface ResolvedRateLimitOptions<Req, OnLimited> {
  policies: PolicySource<Req>;
  key: KeyFunction<Req>;
  cost: ((req: Req) => number | PromiseLike<number>) | undefined;
  skip: ((req: Req) => boolean | PromiseLike<boolean>) | undefined;
  headers: HeadersFormat | false;
  legacyHeaders: boolean;
  onLimited: OnLimited | undefined;
  refund: ((statusCode: number) => boolean) | undefined;
}

const LIMITER_OPTION_KEYS = ['store', 'policies', 'prefix', 'onStoreError', 'timeoutMs', 'onError'] as const;
export const RATE_LIMIT_OPTION_KEYS: readonly string[] = [
  'limiter',
  ...LIMITER_OPTION_KEYS,
  'key',
  'cost',
  'skip',
  'headers',
  'legacyHeaders',
  'onLimited',
  'refund',
  'ipv6Subnet',
  'onWarning',
];

export function isLimiter(value: unknown): value is Limiter {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Limiter).decide === 'function' &&
    Array.isArray((value as Limiter).policies) &&
    isStore((value as Limiter).store)
  );
}

function assertOptionalFunction(options: Record<string, unknown>, name: string): void {
  if (options[name] !== undefined && typeof options[name] !== 'function') {
    throw new InvalidOptionError(name, options[name], 'a function');
  }
}

function resolveHeadersFormat(value: unknown): HeadersFormat | false {
  if (value === undefined) return 'draft-10';
  if (value === false || HEADERS_FORMATS.includes(value as HeadersFormat)) return value as HeadersFormat | false;
  throw new InvalidOptionError('headers', value, `one of ${HEADERS_FORMATS.map((f) => `'${f}'`).join(', ')} or false`);
}

function resolveBoolean(value: unknown, option: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new InvalidOptionError(option, value, 'a boolean');
  return value;
}

/** `limiter` stands for all inline limiter options; giving both is ambiguous. */
function assertLimiterAlone(options: Record<string, unknown>): Limiter {
  if (!isLimiter(options.limiter)) throw new InvalidOptionError('limiter', options.limiter, 'a Limiter made by createLimiter()');
  for (const name of LIMITER_OPTION_KEYS) {
    if (options[name] !== undefined) {
      throw new InvalidOptionError(name, options[name], 'nothing when `limiter` is given (set it on the limiter instead)');
    }
  }
  return options.limiter;
}

function inlineLimiterOptions(options: Record<string, unknown>): Omit<LimiterOptions, 'policies'> {
  const inline: Record<string, unknown> = {};
  for (const name of LIMITER_OPTION_KEYS) if (name !== 'policies' && options[name] !== undefined) inline[name] = options[name];
  return inline as Omit<LimiterOptions, 'policies'>;
}

function resolvePolicySource<Req>(options: Record<string, unknown>, onWarning: WarningHandler): PolicySource<Req> {
  if (options.limiter !== undefined) return { fixed: compilePolicySet(assertLimiterAlone(options)) };
  const policies = options.policies;
  if (typeof policies !== 'function') {
    // createLimiter validates everything, naming `policies[i]` etc.
    return { fixed: compilePolicySet(createLimiter({ ...inlineLimiterOptions(options), policies: policies as readonly Policy[] })) };
  }
  const inline = inlineLimiterOptions(options);
  if (inline.store !== undefined && !isStore(inline.store)) {
    throw new InvalidOptionError('store', inline.store, 'a Store (consume, reset, algorithms)');
  }
  // Every per-request limiter must share one store, so create the default one here.
  const store = inline.store ?? new MemoryStore();
  resolveLimiterOptions({ ...inline, store }, { policiesPerRequest: true });
  return {
    perRequest: policies as (req: Req) => readonly Policy[] | PromiseLike<readonly Policy[]>,
    cache: new PolicySetCache({ ...inline, store }, onWarning),
  };
}

/**
 * Validates an adapter's options once, at construction, with typed errors naming the option
 * (unknown keys: ERR_SLUICE_UNKNOWN_OPTION). `extraKeys` are options the adapter itself reads.
 */
export function resolveRateLimitOptions<Req, OnLimited>(
  options: unknown,
  access: RequestAccess<Req>,
  extraKeys: readonly string[] = [],
): ResolvedRateLimitOptions<Req, OnLimited> {
  assertPlainObject(options, 'rateLimit options');
  assertKnownKeys(options, new Set([...RATE_LIMIT_OPTION_KEYS, ...extraKeys]), '');
  for (const name of ['key', 'cost', 'skip', 'onLimited', 'refund', 'onWarning']) assertOptionalFunction(options, name);
  const onWarning = (options.onWarning as WarningHandler | undefined) ?? emitProcessWarning;
  if (options.key !== undefined && options.ipv6Subnet !== undefined) {
    throw new InvalidOptionError('ipv6Subnet', options.ipv6Subnet, 'nothing when `key` is given (pass it to keys.ip({ ipv6Subnet }))');
  }
  const key =
    (options.key as KeyFunction<Req> | undefined) ??
    createClientIpKey(access, { ipv6Subnet: assertIpv6Subnet(options.ipv6Subnet), onWarning });
  return {
    policies: resolvePolicySource<Req>(options, onWarning),
    key,
    cost: options.cost as ResolvedRateLimitOptions<Req, OnLimited>['cost'],
    skip: options.skip as ResolvedRateLimitOptions<Req, OnLimited>['skip'],
    headers: resolveHeadersFormat(options.headers),
    legacyHeaders: resolveBoolean(options.legacyHeaders, 'legacyHeaders'),
    onLimited: options.onLimited as OnLimited | undefined,
    refund: options.refund as ResolvedRateLimitOptions<Req, OnLimited>['refund'],
  };
}
