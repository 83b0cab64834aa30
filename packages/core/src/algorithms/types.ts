import type { Policy } from '../policies/policy.js';

export type Mode = 'consume' | 'peek' | 'refund';

/** Every state knows when it stops mattering: after `expiresAtUs` it equals no state at all. */
export interface FixedWindowState {
  expiresAtUs: number;
  start: number;
  count: number;
}
export interface SlidingWindowState {
  expiresAtUs: number;
  /** Start of the aligned window `current` counts in; `previous` counts the one before. */
  start: number;
  current: number;
  previous: number;
}
export interface SlidingLogState {
  expiresAtUs: number;
  /** One timestamp per admitted unit of cost, oldest first. */
  stamps: number[];
}
export interface BucketState {
  expiresAtUs: number;
  /** Theoretical arrival time: when the token bucket is full, or the leaky queue empty. */
  tat: number;
}
export type PolicyState = FixedWindowState | SlidingWindowState | SlidingLogState | BucketState;

/** One policy's verdict in microseconds, plus the state to write if the decision commits. */
export interface Evaluation {
  allowed: boolean;
  remaining: number;
  resetAfterUs: number;
  /** 0 when allowed; Infinity when the cost can never pass (cost > limit). */
  retryAfterUs: number;
  delayUs: number;
  /** State after this request; `undefined` means nothing worth keeping. Ignored for peek. */
  next: PolicyState | undefined;
}

export type Evaluate<P extends Policy = Policy, S extends PolicyState = PolicyState> = (
  policy: P,
  state: S | undefined,
  nowUs: number,
  cost: number,
  mode: Mode,
) => Evaluation;
