import { InvalidOptionError } from '../errors.js';
import { HEADERS_FORMATS, type HeadersFormat } from '../headers/names.js';
import { createClientIpKey } from '../keys/client-ip-key.js';
import { assertIpv6Subnet } from '../keys/ipv6-subnet-option.js';
import type { KeyFunction, RequestAccess } from '../keys/request-access.js';
import { emitProcessWarning, type WarningHandler } from '../keys/warnings.js';
import { CALLBACK_THREW, createLimiterSharing } from '../limiter/create-limiter.js';
import { EventHub } from '../events/hub.js';
import type { LimiterEvents } from '../events/types.js';
import type { Limiter } from '../limiter/limiter.js';
import { LIMITER_OPTION_KEYS, resolveLimiterOptions, type LimiterOptions } from '../limiter/options.js';
import { isLimiter, isStore } from '../limiter/recognise.js';
import type { Policy } from '../policies/policy.js';
import { MemoryStore } from '../store/memory-store.js';
import { MAX_TIMER_MS } from '../time/timers.js';
import { assertKnownKeys, assertPlainObject } from '../validate.js';
import { compilePolicySet, type PolicySet } from './policy-set.js';
import { PolicySetCache } from './policy-set-cache.js';
import { AccessLists, type AccessList } from './access-lists.js';
import { WaitQueue, type WaitOptions } from './wait-queue.js';

/** Policies for every request, or chosen per request (plans, tiers), possibly asynchronously. */
export type PoliciesOption<Req> = readonly Policy[] | ((req: Req) => readonly Policy[] | PromiseLike<readonly Policy[]>);

/** Default `maxDelayMs`: the longest leaky-bucket hold an adapter keeps a request open for. */
export const DEFAULT_MAX_DELAY_MS = 10_000;

/** The options every adapter takes; `Req` is the framework's request (Koa: the context). */
export interface RateLimitOptions<Req, OnLimited> extends Omit<LimiterOptions, 'policies' | 'onWarning'> {
  /**
   * A limiter built with `createLimiter`. Excludes the inline limiter options (store, prefix,
   * onStoreError, timeoutMs, onError); with `policies` as a function, each policy set becomes
   * `limiter.withPolicies(set)` and so keeps every other setting of the limiter.
   */
  limiter?: Limiter;
  /** Inline limiter options (see createLimiter), except that `policies` may be a function of the request. */
  policies?: PoliciesOption<Req>;
  /** The client key (sync or async). Default: the client IP as the framework resolved it (trust proxy applied). */
  key?: KeyFunction<Req>;
  /** Units this request costs (a safe integer >= 1, sync or async). Default 1. A bad value goes to the framework's error handling. */
  cost?: (req: Req) => number | PromiseLike<number>;
  /** True to let the request through uncounted and without headers. */
  skip?: (req: Req) => boolean | PromiseLike<boolean>;
  /** Which RateLimit header syntax to send, or false for none. Default 'draft-10'. */
  headers?: HeadersFormat | false;
  /** Also send X-RateLimit-Limit / -Remaining / -Reset (epoch seconds). Default false. */
  legacyHeaders?: boolean;
  /** Replaces the default 429 problem+json response (the rate-limit headers are already set). */
  onLimited?: OnLimited;
  /**
   * After the response: true gives the request's cost back (e.g. `status => status < 400` to
   * count only failures). May be async. A throw or rejection goes to `onCallbackError`.
   */
  refund?: (statusCode: number) => boolean | PromiseLike<boolean>;
  /** IPv6 prefix length the default key groups clients by (1..128), or false. Default 64. */
  ipv6Subnet?: number | false;
  /**
   * Longest leaky-bucket hold in ms (integer 0..2^31-1). An admitted request whose `delayMs` is
   * longer is refused with 429 and a Retry-After for when its hold would fit, and its cost is
   * refunded. Default 10_000.
   */
  maxDelayMs?: number;
  /**
   * Errors that happen after the response was sent, where no framework error handler can take
   * them: `refund` threw or rejected, or the refund itself failed. Default: a one-line warning
   * through `onWarning` (code SLUICE_CALLBACK_THREW, as for the limiter's own hooks). Never thrown into the event loop.
   */
  onCallbackError?: (error: unknown) => void;
  /** Where one-time configuration warnings go. Default: the limiter's `onWarning`, else `process.emitWarning`. */
  onWarning?: WarningHandler;
  /**
   * Show shadow policies (limiter or policy option `shadow`) in the RateLimit-Policy / RateLimit
   * headers too, with their own figures. They never deny either way. Default false: the headers
   * describe only the enforced policies (none for a whole-shadow limiter).
   */
  shadowHeaders?: boolean;
  /**
   * Clients let through uncounted and without headers, before any store call: client keys, IPs
   * and CIDR ranges (`'10.0.0.0/8'`), or a function of the request and its client key (sync or
   * async). See docs/penalties.md.
   */
  allowList?: AccessList<Req>;
  /** Clients refused with 403 (problem+json, no RateLimit headers) before any store call; wins over `allowList`. Same forms. */
  denyList?: AccessList<Req>;
  /**
   * Server-side waiting: a denied request whose Retry-After fits in `maxWaitMs` waits for its turn
   * (limiter.acquire) instead of getting 429, while fewer than `maxWaiting` (default 1000) and
   * `maxWaitingPerKey` (default 10) wait; otherwise it is refused at once. A client that goes away
   * leaves the queue. The middleware's `waiting` is the number waiting now.
   */
  wait?: WaitOptions | false;
}

/** Where a request's policy set comes from: fixed, or looked up per request. */
export type PolicySource<Req> =
  | {
      /** The one policy set of every request. */
      readonly fixed: PolicySet;
      /** Absent for a fixed set. */
      readonly perRequest?: undefined;
      /** Absent for a fixed set. */
      readonly cache?: undefined }
  | {
      /** Absent for per-request sets. */
      readonly fixed?: undefined;
      /** The user's `policies(req)`. */
      readonly perRequest: (req: Req) => readonly Policy[] | PromiseLike<readonly Policy[]>;
      /** Compiled sets by policy array, so a reused array is compiled once. */
      readonly cache: PolicySetCache;
    };

/**
 * RateLimitOptions after validation (`resolveRateLimitOptions`): defaults applied, the limiter
 * built. Field meanings and defaults are those of RateLimitOptions.
 */
export interface ResolvedRateLimitOptions<Req, OnLimited> {
  /** Where each request's policy set comes from. */
  policies: PolicySource<Req>;
  /** The client key; default the client IP. */
  key: KeyFunction<Req>;
  /** Units of cost per request; undefined: 1. */
  cost: ((req: Req) => number | PromiseLike<number>) | undefined;
  /** Requests let through uncounted; undefined: none. */
  skip: ((req: Req) => boolean | PromiseLike<boolean>) | undefined;
  /** RateLimit header syntax, or false for none. */
  headers: HeadersFormat | false;
  /** Whether X-RateLimit-* are sent too. */
  legacyHeaders: boolean;
  /** The user's denial response; undefined: the default problem+json. */
  onLimited: OnLimited | undefined;
  /** Gives the cost back by response status; undefined: never. */
  refund: ((statusCode: number) => boolean | PromiseLike<boolean>) | undefined;
  /** Longest leaky-bucket hold, ms. */
  maxDelayMs: number;
  /** Whether shadow policies appear in the headers. */
  shadowHeaders: boolean;
  /** allowList / denyList; undefined without either. */
  lists: AccessLists<Req> | undefined;
  /** The `wait` queue; undefined without the option. */
  wait: WaitQueue | undefined;
  /** Receives errors after the response (a failing refund). */
  onCallbackError: (error: unknown) => void;
  /** Receives one-time configuration warnings. */
  onWarning: WarningHandler;
  /** The events of the limiter(s) this middleware uses (per-request policy sets share them). */
  events: LimiterEvents;
  /** The limiter this middleware uses: with per-request policies, the first set's (undefined before the first request). */
  limiter: () => Limiter | undefined;
}

/** Where a middleware's policy sets come from, with the events they report to. */
interface ResolvedSource<Req> {
  source: PolicySource<Req>;
  events: LimiterEvents;
  limiter: () => Limiter | undefined;
}

/** The limiter options that `limiter` stands for (onWarning is also the adapter's own option). */
const INLINE_LIMITER_KEYS = LIMITER_OPTION_KEYS.filter((name) => name !== 'onWarning');

/** Every option name an adapter accepts, derived from the limiter's own list. */
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
  'maxDelayMs',
  'onCallbackError',
  'shadowHeaders',
  'allowList',
  'denyList',
  'wait',
];

const CALLBACK_OPTIONS = ['key', 'cost', 'skip', 'onLimited', 'refund', 'onWarning', 'onCallbackError'] as const;

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

function resolveMaxDelayMs(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_DELAY_MS;
  // A hold is one timer: Node clamps longer timers to 1 ms.
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_TIMER_MS) {
    throw new InvalidOptionError('maxDelayMs', value, `an integer from 0 to ${MAX_TIMER_MS} (ms)`);
  }
  return value;
}

/** `limiter` stands for all inline limiter options; giving both is ambiguous. */
function assertLimiterAlone(options: Record<string, unknown>): Limiter {
  if (!isLimiter(options.limiter)) throw new InvalidOptionError('limiter', options.limiter, 'a Limiter made by createLimiter()');
  for (const name of INLINE_LIMITER_KEYS) {
    if (name !== 'policies' && options[name] !== undefined) {
      throw new InvalidOptionError(name, options[name], 'nothing when `limiter` is given (set it on the limiter instead)');
    }
  }
  return options.limiter;
}

function inlineLimiterOptions(options: Record<string, unknown>, onWarning: WarningHandler): Omit<LimiterOptions, 'policies'> {
  const inline: Record<string, unknown> = { onWarning };
  for (const name of INLINE_LIMITER_KEYS) if (name !== 'policies' && options[name] !== undefined) inline[name] = options[name];
  return inline as Omit<LimiterOptions, 'policies'>;
}

function resolvePolicySource<Req>(options: Record<string, unknown>, onWarning: WarningHandler, hub: EventHub | undefined): ResolvedSource<Req> {
  const policies = options.policies;
  if (options.limiter !== undefined) {
    const limiter = assertLimiterAlone(options);
    const events = limiter.events;
    if (policies === undefined) return { source: { fixed: compilePolicySet(limiter) }, events, limiter: () => limiter };
    if (typeof policies !== 'function') {
      throw new InvalidOptionError('policies', policies, 'a function of the request when `limiter` is given (or the limiter alone)');
    }
    return {
      source: {
        perRequest: policies as (req: Req) => readonly Policy[] | PromiseLike<readonly Policy[]>,
        cache: new PolicySetCache((set) => limiter.withPolicies(set), onWarning),
      },
      events,
      limiter: () => limiter,
    };
  }
  const inline = inlineLimiterOptions(options, onWarning);
  if (typeof policies !== 'function') {
    // createLimiter validates everything, naming `policies[i]` etc.
    const limiter = createLimiterSharing({ ...inline, policies: policies as readonly Policy[] }, hub);
    return { source: { fixed: compilePolicySet(limiter) }, events: limiter.events, limiter: () => limiter };
  }
  if (inline.store !== undefined && !isStore(inline.store)) {
    throw new InvalidOptionError('store', inline.store, 'a Store (consume, reset, algorithms)');
  }
  // Every per-request limiter must share one store, so create the default one here.
  const settings = { ...inline, store: inline.store ?? new MemoryStore() };
  const resolved = resolveLimiterOptions(settings, { policiesPerRequest: true });
  // The events exist before the first request builds a limiter; every set reports to them.
  const events = hub !== undefined && hub.store === resolved.store ? hub : new EventHub(resolved.store, resolved.onWarning);
  // The first set builds a limiter; every later one is its sibling, so all share every setting.
  let template: Limiter | undefined;
  const derive = (set: readonly Policy[]): Limiter => {
    if (template !== undefined) return template.withPolicies(set);
    const limiter = createLimiterSharing({ ...settings, policies: set }, events);
    template = limiter;
    return limiter;
  };
  return {
    source: { perRequest: policies as (req: Req) => readonly Policy[] | PromiseLike<readonly Policy[]>, cache: new PolicySetCache(derive, onWarning) },
    events,
    limiter: () => template,
  };
}

/**
 * The default `onCallbackError`: one warning line per failure, through `onWarning`. It returns what
 * `onWarning` returns, so the engine's callSafely also catches an async `onWarning` that rejects.
 */
function warnCallbackFailed(onWarning: WarningHandler): (error: unknown) => unknown {
  return (error) => {
    const message = error instanceof Error ? error.message : String(error);
    return onWarning({ code: CALLBACK_THREW, message: `A rate-limit callback failed after the response: ${message}` });
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
  hub?: EventHub,
): ResolvedRateLimitOptions<Req, OnLimited> {
  assertPlainObject(options, 'rateLimit options');
  assertKnownKeys(options, new Set([...RATE_LIMIT_OPTION_KEYS, ...extraKeys]), '');
  for (const name of CALLBACK_OPTIONS) assertOptionalFunction(options, name);
  const limiterWarning = isLimiter(options.limiter) ? options.limiter.options?.onWarning : undefined;
  const onWarning = (options.onWarning as WarningHandler | undefined) ?? limiterWarning ?? emitProcessWarning;
  if (options.key !== undefined && options.ipv6Subnet !== undefined) {
    throw new InvalidOptionError('ipv6Subnet', options.ipv6Subnet, 'nothing when `key` is given (pass it to keys.ip({ ipv6Subnet }))');
  }
  const key =
    (options.key as KeyFunction<Req> | undefined) ??
    createClientIpKey(access, { ipv6Subnet: assertIpv6Subnet(options.ipv6Subnet), onWarning });
  const source = resolvePolicySource<Req>(options, onWarning, hub);
  return {
    policies: source.source,
    events: source.events,
    limiter: source.limiter,
    key,
    cost: options.cost as ResolvedRateLimitOptions<Req, OnLimited>['cost'],
    skip: options.skip as ResolvedRateLimitOptions<Req, OnLimited>['skip'],
    headers: resolveHeadersFormat(options.headers),
    legacyHeaders: resolveBoolean(options.legacyHeaders, 'legacyHeaders'),
    onLimited: options.onLimited as OnLimited | undefined,
    refund: options.refund as ResolvedRateLimitOptions<Req, OnLimited>['refund'],
    maxDelayMs: resolveMaxDelayMs(options.maxDelayMs),
    shadowHeaders: resolveBoolean(options.shadowHeaders, 'shadowHeaders'),
    lists: AccessLists.of<Req>(options, access),
    wait: WaitQueue.of(options.wait),
    onCallbackError: (options.onCallbackError as ((error: unknown) => void) | undefined) ?? warnCallbackFailed(onWarning),
    onWarning,
  };
}
