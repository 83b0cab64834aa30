import type { Policy } from '../policies/policy.js';

/**
 * What a limiter call does to the policies: 'consume' charges `cost` when every policy admits
 * it, 'peek' reports without charging, 'refund' gives `cost` back.
 */
export type Mode = 'consume' | 'peek' | 'refund';
/**
 * What a store request asks: a limiter's Mode, or a lease operation on the concurrency
 * policies (`release`: give the lease back; `renew`: extend a live lease to now + leaseMs).
 * Rate policies treat both as `peek`: a lease operation never charges or refunds them.
 */
export type StoreMode = Mode | 'release' | 'renew';

/**
 * A fixed window's state. Every state knows when it stops mattering: after `expiresAtUs` it
 * equals no state at all. All times are µs on the store's clock.
 */
export interface FixedWindowState {
  /** When the state stops mattering (the window's end), µs. */
  expiresAtUs: number;
  /** When the window opened (at the first request after the previous one ended), µs. */
  start: number;
  /** Units of cost charged in this window. */
  count: number;
}
/** A sliding window's state (weighted two-window counter); times in µs. */
export interface SlidingWindowState {
  /** When the state stops mattering, µs. */
  expiresAtUs: number;
  /** Start of the aligned window `current` counts in; `previous` counts the one before. */
  start: number;
  /** Units of cost charged in the current aligned window. */
  current: number;
  /** Units charged in the window before it (weighted by how much of it still overlaps). */
  previous: number;
}
/** A sliding log's state (exact, one timestamp per unit); times in µs. */
export interface SlidingLogState {
  /** When the state stops mattering, µs. */
  expiresAtUs: number;
  /** One timestamp per admitted unit of cost, oldest first. */
  stamps: number[];
}
/** A token or leaky bucket's state (GCRA: one timestamp); times in µs. */
export interface BucketState {
  /** When the state stops mattering (the bucket is full again, or the queue empty), µs. */
  expiresAtUs: number;
  /** Theoretical arrival time: when the token bucket is full, or the leaky queue empty. */
  tat: number;
}
/** One request in progress under a concurrency policy. */
export interface Lease {
  /** The lease's id (see newLeaseId), unique per request. */
  readonly id: string;
  /** Units of cost it holds. */
  readonly units: number;
  /** Held while now < expiresAtUs. */
  readonly expiresAtUs: number;
}
/** A concurrency policy's state: the leases held; times in µs. */
export interface ConcurrencyState {
  /** The latest lease expiry: after it, no lease is held. */
  expiresAtUs: number;
  /** Leases in the order they were taken (a renewed lease keeps its place). */
  leases: readonly Lease[];
}
/** Penalties for repeat offenders (algorithms/penalty.ts). */
export interface PenaltyState {
  /** When the state stops mattering (no strike or block still remembered), µs. */
  expiresAtUs: number;
  /** When each strike (a denial by the other policies) happened, oldest first. */
  strikes: number[];
  /** Blocked while now < blockedUntilUs (0: never blocked). */
  blockedUntilUs: number;
  /** Blocks so far (the next block's escalation step), while remembered. */
  level: number;
}
/** The state a store keeps per (client key, policy), by algorithm. */
export type PolicyState = FixedWindowState | SlidingWindowState | SlidingLogState | BucketState | ConcurrencyState | PenaltyState;

/** One policy's verdict in microseconds, plus the state to write if the decision commits. */
export interface Evaluation {
  /** Whether the policy admits the request. */
  allowed: boolean;
  /** Units of cost left after this request (>= 0). */
  remaining: number;
  /** Until the quota is fully restored, µs. */
  resetAfterUs: number;
  /** 0 when allowed; Infinity when the cost can never pass (cost > limit). */
  retryAfterUs: number;
  /** Leaky-bucket shaping: how long to hold the admitted request, µs; 0 otherwise. */
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
