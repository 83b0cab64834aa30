import { InvalidOptionError, UnsupportedAlgorithmError, type StoreError } from '../errors.js';
import { emitProcessWarning, type WarningHandler } from '../keys/warnings.js';
import type { Policy } from '../policies/policy.js';
import { MemoryStore } from '../store/memory-store.js';
import type { Store } from '../store/types.js';
import { MAX_TIMER_MS } from '../time/timers.js';
import { assertKnownKeys, assertNonEmptyString, assertPlainObject, assertPositiveInteger } from '../validate.js';
import { validatePolicies } from './policy-list.js';
import { isStore } from './recognise.js';
import {
  resolveBlockCacheOptions,
  resolveBreakerOptions,
  type BlockCacheOptions,
  type BreakerOptions,
  type ResolvedBlockCacheOptions,
  type ResolvedBreakerOptions,
} from '../resilience/options.js';

export { validatePolicies, isStore };

/**
 * What decides when the store fails or times out: 'allow' admits (degraded), 'deny' refuses
 * (degraded: HTTP 503), a fallback Store decides for real (HTTP 429 when it denies).
 */
export type FailurePolicy = 'allow' | 'deny' | Store;

/** Options of `createLimiter`. Absent means `undefined`: `null` is a bad value, never a default. */
export interface LimiterOptions {
  /** Where state lives. Default: a new MemoryStore. */
  store?: Store;
  /** Every request is checked against all of them, all-or-nothing. */
  policies: readonly Policy[];
  /**
   * Namespace for storage keys: 1 to 100 printable ASCII characters other than space, `{`,
   * `}` and `%` (so every store can hold it and Redis hash tags stay intact). Default 'sluice'.
   */
  prefix?: string;
  /** When the store fails or times out: admit, deny, or ask this fallback store. Default 'allow'. */
  onStoreError?: FailurePolicy;
  /** Longest wait (ms, integer 1..2^31-1) for an asynchronous store before the failure policy decides. Default 500. */
  timeoutMs?: number;
  /** Told about every store failure the failure policy absorbed (for logs and metrics). */
  onError?: (error: StoreError) => void;
  /**
   * One-time configuration warnings, e.g. SLUICE_STORE_MISCONFIGURED when a store fails with
   * `configuration: true` or fails every one of its first calls. Default: `process.emitWarning`.
   */
  onWarning?: WarningHandler;
  /**
   * The store's circuit breaker (shared by every limiter on the store; the first limiter to
   * build it sets its options): false to bypass it, true (or omitted) for the defaults of
   * BreakerOptions, or its options. Default: on, from the store's first asynchronous answer or
   * first failure (so MemoryStore never pays for it). See docs/resilience.md.
   */
  breaker?: boolean | BreakerOptions;
  /**
   * Per limiter: remembers keys the store denied until their retryAfterMs passes, and denies
   * them again without a store call (never admits). false to turn it off. Default: on (10_000
   * entries) from the store's first asynchronous answer; never for a synchronous store.
   */
  blockCache?: false | BlockCacheOptions;
  /** Evaluate and charge as usual and report, but never deny (or hold). Default false. */
  shadow?: boolean;
}

/**
 * The resolved settings of a limiter, without its policies: what `limiter.options` holds and
 * what `withPolicies` builds a sibling from.
 */
export interface LimiterSettings {
  /** Where state lives. */
  readonly store: Store;
  /** Namespace of the storage keys. */
  readonly prefix: string;
  /** The failure policy. */
  readonly onStoreError: FailurePolicy;
  /** Longest wait for an asynchronous store, ms. */
  readonly timeoutMs: number;
  /** Told about every store failure the failure policy absorbed; undefined: nobody. */
  readonly onError: ((error: StoreError) => void) | undefined;
  /** Receives one-time configuration warnings. */
  readonly onWarning: WarningHandler;
  /** false when off. */
  readonly breaker: ResolvedBreakerOptions | false;
  /** false when off. */
  readonly blockCache: ResolvedBlockCacheOptions | false;
  /** True when the whole limiter is in shadow mode (never denies or holds). */
  readonly shadow: boolean;
}

export interface ResolvedLimiterOptions extends LimiterSettings {
  readonly policies: readonly Policy[];
}

/** Every option name of `createLimiter`, in one place (the adapters take them inline too). */
export const LIMITER_OPTION_KEYS = [
  'store',
  'policies',
  'prefix',
  'onStoreError',
  'timeoutMs',
  'onError',
  'onWarning',
  'breaker',
  'blockCache',
  'shadow',
] as const;
/** A name of LimiterOptions (one of LIMITER_OPTION_KEYS). */
export type LimiterOptionKey = (typeof LIMITER_OPTION_KEYS)[number];

const LIMITER_KEYS: ReadonlySet<string> = new Set(LIMITER_OPTION_KEYS);
// Printable ASCII (0x21-0x7E) except `%`, `{` and `}`: bytes every store takes as they are,
// and no brace that could open or close a Redis Cluster hash tag.
const PREFIX_PATTERN = /^[!-$&-z|~]{1,100}$/;
/** Default `timeoutMs` of createLimiter, ms. */
export const DEFAULT_TIMEOUT_MS = 500;

/**
 * Throws UnsupportedAlgorithmError (ERR_SLUICE_UNSUPPORTED_ALGORITHM) naming `policies[i]` when
 * `store` does not declare a policy's algorithm; `option` names the store's option (e.g. 'store').
 */
export function assertStoreSupports(store: Store, policies: readonly Policy[], option: string): void {
  policies.forEach((policy, index) => {
    if (!store.algorithms.includes(policy.algorithm)) {
      throw new UnsupportedAlgorithmError(`policies[${index}]`, policy.algorithm, `${option} (${store.constructor.name})`, store.algorithms);
    }
  });
}

function optionalFunction<F>(value: unknown, option: string): F | undefined {
  if (value !== undefined && typeof value !== 'function') throw new InvalidOptionError(option, value, 'a function');
  return value as F | undefined;
}

function resolveFailurePolicy(value: unknown, store: Store, policies: readonly Policy[]): FailurePolicy {
  if (value === undefined || value === 'allow' || value === 'deny') return value ?? 'allow';
  if (!isStore(value)) throw new InvalidOptionError('onStoreError', value, "'allow', 'deny' or a fallback Store");
  if (value === store) throw new InvalidOptionError('onStoreError', 'the same store', 'a fallback store other than `store`');
  assertStoreSupports(value, policies, 'onStoreError');
  return value;
}

function resolveShadow(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new InvalidOptionError('shadow', value, 'a boolean');
  return value;
}

/**
 * Validates limiter options (typed errors naming the option: ERR_SLUICE_INVALID_OPTION,
 * ERR_SLUICE_UNKNOWN_OPTION, ERR_SLUICE_UNSUPPORTED_ALGORITHM). With `policiesPerRequest`,
 * `policies` is left out: the adapters validate everything else at startup when the policies
 * only arrive with each request.
 */
export function resolveLimiterOptions(options: unknown, mode?: { policiesPerRequest: true }): ResolvedLimiterOptions {
  assertPlainObject(options, 'createLimiter options');
  assertKnownKeys(options, LIMITER_KEYS, '');
  const policies = mode?.policiesPerRequest ? Object.freeze([]) : validatePolicies(options.policies);
  if (options.store !== undefined && !isStore(options.store)) {
    throw new InvalidOptionError('store', options.store, 'a Store (consume, reset, algorithms)');
  }
  const store = (options.store as Store | undefined) ?? new MemoryStore();
  assertStoreSupports(store, policies, 'store');
  const prefix =
    options.prefix === undefined
      ? 'sluice'
      : assertNonEmptyString(
          options.prefix,
          'prefix',
          PREFIX_PATTERN,
          '1 to 100 printable ASCII characters other than space, "{", "}" and "%"',
        );
  return {
    store,
    policies,
    prefix,
    onStoreError: resolveFailurePolicy(options.onStoreError, store, policies),
    timeoutMs: options.timeoutMs === undefined ? DEFAULT_TIMEOUT_MS : assertPositiveInteger(options.timeoutMs, 'timeoutMs', MAX_TIMER_MS),
    onError: optionalFunction<(error: StoreError) => void>(options.onError, 'onError'),
    onWarning: optionalFunction<WarningHandler>(options.onWarning, 'onWarning') ?? emitProcessWarning,
    breaker: resolveBreakerOptions(options.breaker),
    blockCache: resolveBlockCacheOptions(options.blockCache),
    shadow: resolveShadow(options.shadow),
  };
}
