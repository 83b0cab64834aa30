import type { Policy } from '../policies/policy.js';

export type Mode = 'consume' | 'peek' | 'refund';
/**
 * What a store request asks: a limiter's Mode, or a lease operation on the concurrency
 * policies (`release`: give the lease back; `renew`: extend a live lease to now + leaseMs).
 * Rate policies treat both as `peek`: a lease operation never charges or refunds them.
 */
export type StoreMode = Mode | 'release' | 'renew';

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
/** One request in progress under a concurrency policy. */
export interface Lease {
  readonly id: string;
  /** Units of cost it holds. */
  readonly units: number;
  /** Held while now < expiresAtUs. */
  readonly expiresAtUs: number;
}
export interface ConcurrencyState {
  /** The latest lease expiry: after it, no lease is held. */
  expiresAtUs: number;
  /** Leases in the order they were taken (a renewed lease keeps its place). */
  leases: readonly Lease[];
}
/** Penalties for repeat offenders (algorithms/penalty.ts). */
export interface PenaltyState {
  expiresAtUs: number;
  /** When each strike (a denial by the other policies) happened, oldest first. */
  strikes: number[];
  /** Blocked while now < blockedUntilUs (0: never blocked). */
  blockedUntilUs: number;
  /** Blocks so far (the next block's escalation step), while remembered. */
  level: number;
}
export type PolicyState = FixedWindowState | SlidingWindowState | SlidingLogState | BucketState | ConcurrencyState | PenaltyState;

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
