export const ALGORITHMS = ['fixed-window', 'sliding-window', 'sliding-log', 'token-bucket', 'leaky-bucket'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];
export type WindowAlgorithm = 'fixed-window' | 'sliding-window' | 'sliding-log';
export type BucketAlgorithm = 'token-bucket' | 'leaky-bucket';

interface PolicyBase {
  readonly algorithm: Algorithm;
  /**
   * Encodes the algorithm and every parameter (e.g. `fw-100-60000`), so a store keeps one
   * state per parameter set and a changed limit never misreads old state.
   */
  readonly id: string;
  /** Shown in headers and problem bodies; defaults to `id`. */
  readonly name: string;
  /** Requests (cost units) the policy admits: a window's limit or a bucket's capacity. */
  readonly limit: number;
  /** The policy's window for headers: a window's length, or a bucket's time to refill from empty. */
  readonly windowMs: number;
}

export interface WindowPolicy extends PolicyBase {
  readonly algorithm: WindowAlgorithm;
  readonly windowUs: number;
}

export interface BucketPolicy extends PolicyBase {
  readonly algorithm: BucketAlgorithm;
  readonly capacity: number;
  /** Tokens refilled (token bucket) or requests drained (leaky bucket) per second. */
  readonly ratePerSecond: number;
  /** Microseconds per unit of cost: 1e6 / rate, rounded up to a whole microsecond. */
  readonly intervalUs: number;
}

export type Policy = WindowPolicy | BucketPolicy;

const constructed = new WeakSet<object>();

/** Marks a policy as built (and validated) by one of the policy constructors. */
export function registerPolicy<P extends Policy>(policy: P): P {
  Object.freeze(policy);
  constructed.add(policy);
  return policy;
}

/** True for policies made by `fixedWindow()`, `tokenBucket()`, ...: only those are validated. */
export function isPolicy(value: unknown): value is Policy {
  return typeof value === 'object' && value !== null && constructed.has(value);
}

export const POLICY_NAME_PATTERN = /^[A-Za-z0-9_.\-]{1,64}$/;
