import type { Mode } from '../algorithms/types.js';
import type { Algorithm, Policy } from '../policies/policy.js';

export type MaybePromise<T> = T | Promise<T>;

/** One policy's part of a decision. */
export interface PolicyResult {
  /** The policy's name. */
  policy: string;
  /** Whether this policy alone would admit the request. */
  allowed: boolean;
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

export interface StoreRequest {
  /** The hash-tagged base key, `<prefix>:{<clientKey>}`; append `:<policy.id>` per policy. */
  key: string;
  policies: readonly Policy[];
  /** Integer >= 1. */
  cost: number;
  mode: Mode;
  /** Overrides the store's clock (tests drive a fake clock this way). Convert with `msToMicros`. */
  nowMs?: number | undefined;
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
  consume(request: StoreRequest): MaybePromise<readonly PolicyResult[]>;
  /** Forgets every policy's state for the base key. */
  reset(key: string, policies: readonly Policy[]): MaybePromise<void>;
  /** Releases timers and connections the store owns (never ones it was handed). */
  close?(): MaybePromise<void>;
}
