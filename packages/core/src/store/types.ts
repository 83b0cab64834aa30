import type { StoreMode } from '../algorithms/types.js';
import type { Decision } from '../limiter/decision.js';
import type { Algorithm, Policy } from '../policies/policy.js';

/** A value, or a promise of it: synchronous stores (MemoryStore) answer without a promise. */
export type MaybePromise<T> = T | Promise<T>;

/** One policy's part of a decision. */
export interface PolicyResult {
  /** The policy's name. */
  policy: string;
  /** Whether this policy alone would admit the request. */
  allowed: boolean;
  /** The policy's limit (a window's limit, a bucket's capacity), in units of cost. */
  limit: number;
  /** Units left after this request (if it was charged), >= 0. */
  remaining: number;
  /** Until this policy's quota is fully restored. */
  resetAfterMs: number;
  /** 0 when allowed; else the earliest a same-cost retry can pass; Infinity if it never can. */
  retryAfterMs: number;
  /** Leaky bucket: how long to hold the request before running it. 0 otherwise. */
  delayMs: number;
}

/** One decision a store is asked for: every policy of one key, at once. */
export interface StoreRequest {
  /** The hash-tagged base key, `<prefix>:{<clientKey>}`; append `:<policy.id>` per policy. */
  key: string;
  /** The policies to evaluate, validated, in order (results come back in this order). */
  policies: readonly Policy[];
  /** Integer >= 1. */
  cost: number;
  /** 'release' and 'renew' come only with concurrency policies (rate policies read them as 'peek'). */
  mode: StoreMode;
  /** Overrides the store's clock (tests drive a fake clock this way). Convert with `msToMicros`. */
  nowMs?: number | undefined;
  /**
   * The lease id (concurrency policies): set on every 'consume', 'release' and 'renew' whose
   * policies include one; the limiter makes it unique. A string of up to 64 printable ASCII characters.
   */
  lease?: string | undefined;
}

/**
 * The store contract. A store runs the algorithms itself: one `consume` evaluates every
 * policy of the request atomically in one round trip, all-or-nothing (a denied request
 * changes no state), on the store's own clock unless `nowMs` is given. Results come back in
 * policy order. Failures throw (or reject with) a StoreError.
 */
export interface Store {
  /** Algorithms this store implements; `createLimiter` refuses policies outside this list. */
  readonly algorithms: readonly Algorithm[];
  /**
   * Evaluates every policy of `request` atomically, in one round trip, all or nothing; returns
   * (or resolves) one PolicyResult per policy in policy order. Throws or rejects with a
   * StoreError (with `cause`) when the store fails: never a decision.
   */
  consume(request: StoreRequest): MaybePromise<readonly PolicyResult[]>;
  /** Forgets every policy's state for the base key. */
  reset(key: string, policies: readonly Policy[]): MaybePromise<void>;
  /** Releases timers and connections the store owns (never ones it was handed). */
  close?(): MaybePromise<void>;
  /**
   * Optional fast path: `createLimiter` calls it once, with its prefix and validated policies,
   * and then sends every decision and reset to the returned BoundStore instead of `consume`
   * and `reset`. Same contract (atomic, all-or-nothing, the store's clock unless `nowMs`),
   * same state: a bound decision for client key `k` reads and writes what `consume` with
   * `baseKey(prefix, k)` does. Returning undefined keeps the limiter on `consume`/`reset`.
   * MemoryStore implements it (and returns undefined from a subclass that overrides `consume`
   * or `reset`, so the override still sees every request); a store without it works unchanged.
   */
  bind?(binding: StoreBinding): BoundStore | undefined;
}

/** What a limiter binds a store to (see Store.bind). */
export interface StoreBinding {
  /** The limiter's prefix (validated: printable ASCII without space, `%`, `{`, `}`). */
  prefix: string;
  /** The limiter's policies, validated, in order. */
  policies: readonly Policy[];
}

/** A store bound to one limiter's prefix and policies (see Store.bind). */
export interface BoundStore {
  /**
   * Decides for `clientKey` as the caller gave it (validated by the limiter, not encoded):
   * cost an integer >= 1, nowMs in ms or undefined, `lease` as StoreRequest.lease. Returns the Decision (decidedBy 'store');
   * throws or rejects with a StoreError when the store fails.
   */
  decide(clientKey: string, cost: number, mode: StoreMode, nowMs: number | undefined, lease?: string): MaybePromise<Decision>;
  /** Forgets every bound policy's state for `clientKey`. */
  reset(clientKey: string): MaybePromise<void>;
}
