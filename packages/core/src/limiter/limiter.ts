import type { Mode } from '../algorithms/types.js';
import type { Policy } from '../policies/policy.js';
import type { MaybePromise, Store } from '../store/types.js';
import type { Decision } from './decision.js';
import type { LimiterEvents } from '../events/types.js';
import type { FailurePolicy, LimiterSettings } from './options.js';

/** Per-call options of consume, peek and refund. Unknown names: ERR_SLUICE_UNKNOWN_OPTION. */
export interface ConsumeOptions {
  /** Units this request costs: a safe integer >= 1. Default 1. */
  cost?: number;
  /** Overrides the store's clock, in ms since the epoch (a finite number; tests). */
  nowMs?: number;
}

/** Options of `acquire`. Unknown names: ERR_SLUICE_UNKNOWN_OPTION. */
export interface AcquireOptions {
  /** Units this request costs: a safe integer >= 1. Default 1. */
  cost?: number;
  /**
   * Longest total wait in ms (a number >= 0, Infinity allowed). A wait that cannot fit rejects
   * at once with RateLimitWaitError (ERR_SLUICE_WAIT_EXCEEDED). Default 60_000.
   */
  maxWaitMs?: number;
  /** Aborting rejects with `signal.reason`, also while waiting. */
  signal?: AbortSignal;
}

/**
 * What `createLimiter` returns. Every method validates its input first (InvalidOptionError
 * naming the argument). consume, peek, refund and acquire never reject for store trouble: the
 * failure policy decides instead; `reset` rejects with the StoreError. See docs/errors.md and
 * docs/resilience.md.
 */
export interface Limiter {
  /** Its policies, validated and frozen, in order. */
  readonly policies: readonly Policy[];
  /** Where state lives. */
  readonly store: Store;
  /** Namespace of its storage keys. Default 'sluice'. */
  readonly prefix: string;
  /** The failure policy and timeout it was built with (also in `options`). */
  readonly onStoreError: FailurePolicy;
  /** Longest wait for an asynchronous store, ms. Default 500. */
  readonly timeoutMs: number;
  /** Every resolved setting except the policies; `withPolicies` builds siblings from it. */
  readonly options: LimiterSettings;
  /** Typed events (decision, degraded, storeError, breaker, blockCacheHit); shared with withPolicies siblings. */
  readonly events: LimiterEvents;
  /** Charges `cost` if every policy admits it; otherwise charges nothing. */
  consume(key: string, options?: ConsumeOptions): Promise<Decision>;
  /** What a request of `cost` would get, without charging. */
  peek(key: string, options?: ConsumeOptions): Promise<Decision>;
  /** Gives `cost` back (e.g. a login that succeeded should not count). */
  refund(key: string, options?: ConsumeOptions): Promise<Decision>;
  /**
   * Waits for admission: consumes; when denied with a `retryAfterMs` that fits in what is left
   * of `maxWaitMs`, waits that long (timers, never a busy poll) and tries again; when admitted
   * with `delayMs > 0` (leaky bucket), waits that too. Resolves with the admitting decision.
   * Rejects with RateLimitWaitError (ERR_SLUICE_WAIT_EXCEEDED) when the wait cannot fit (or is
   * Infinity), with `signal.reason` when aborted, with InvalidOptionError for bad options.
   */
  acquire(key: string, options?: AcquireOptions): Promise<Decision>;
  /** Forgets the key's state under every policy. Rejects with the StoreError when the store fails. */
  reset(key: string): Promise<void>;
  /**
   * The hot path for adapters: synchronous when the store is (MemoryStore), a promise
   * otherwise. Never rejects for store trouble: the failure policy decides. Throws
   * InvalidOptionError for a bad key, cost, mode or nowMs.
   */
  decide(key: string, cost: number, mode: Mode, nowMs?: number): MaybePromise<Decision>;
  /**
   * A limiter with these policies and every other setting of this one (store, prefix,
   * failure policy, timeout, hooks). Validates the policies like createLimiter.
   */
  withPolicies(policies: readonly Policy[]): Limiter;
  /** Closes the store (and a fallback store) if they have `close`. */
  close(): Promise<void>;
}
