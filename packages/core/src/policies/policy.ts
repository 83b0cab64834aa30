/**
 * The rate algorithms: what every store implements. A store that also keeps leases (the
 * concurrency limit) declares `[...ALGORITHMS, 'concurrency']` (`ALL_ALGORITHMS`); a store
 * declaring only `ALGORITHMS` is refused for a concurrency policy.
 */
export const ALGORITHMS = ['fixed-window', 'sliding-window', 'sliding-log', 'token-bucket', 'leaky-bucket'] as const;
/** One of ALGORITHMS: 'fixed-window' | 'sliding-window' | 'sliding-log' | 'token-bucket' | 'leaky-bucket'. */
export type RateAlgorithm = (typeof ALGORITHMS)[number];
/**
 * A policy's algorithm: a rate algorithm, the concurrency (in-flight) limit, or the penalty for
 * repeat offenders (blocks a key the other policies keep denying; see policies/penalty.ts).
 */
export type Algorithm = RateAlgorithm | 'concurrency' | 'penalty';
/** Every algorithm, the concurrency limit and the penalty included. */
export const ALL_ALGORITHMS: readonly Algorithm[] = Object.freeze([...ALGORITHMS, 'concurrency', 'penalty'] as const);
/** The algorithms that count over a window of time (`limit` per `window`). */
export type WindowAlgorithm = 'fixed-window' | 'sliding-window' | 'sliding-log';
/** The algorithms with a capacity and a rate (GCRA arithmetic, one timestamp of state). */
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
  /**
   * Shadow mode (set only when true): evaluated, charged and reported as usual, never denies.
   * Not part of `id`, so enforcing it later keeps the state it built up.
   */
  readonly shadow?: true;
}

/** A policy of `fixedWindow`, `slidingWindow` or `slidingLog`. */
export interface WindowPolicy extends PolicyBase {
  /** Which window algorithm. */
  readonly algorithm: WindowAlgorithm;
  /** The window's length, µs (`windowMs` × 1000). */
  readonly windowUs: number;
}

/** A policy of `tokenBucket` or `leakyBucket`. */
export interface BucketPolicy extends PolicyBase {
  /** Which bucket algorithm. */
  readonly algorithm: BucketAlgorithm;
  /** Tokens the bucket holds (token bucket), or requests the queue holds (leaky bucket); also `limit`. */
  readonly capacity: number;
  /** Tokens refilled (token bucket) or requests drained (leaky bucket) per second. */
  readonly ratePerSecond: number;
  /** Microseconds per unit of cost: 1e6 / rate, rounded up to a whole microsecond. */
  readonly intervalUs: number;
}

/**
 * The concurrency (in-flight) limit: at most `limit` units of cost held at once per key, each
 * admitted request holding a lease of `cost` units until it is released or `leaseMs` passes.
 */
export interface ConcurrencyPolicy extends PolicyBase {
  /** Always 'concurrency'. */
  readonly algorithm: 'concurrency';
  /** How long a lease lasts unless released or renewed (ms); also `windowMs`. */
  readonly leaseMs: number;
  /** The same, µs. */
  readonly leaseUs: number;
}

/**
 * Penalties for repeat offenders: `limit` (= `after`) denials by the other policies within
 * `windowMs` (= `within`) block the key for `blockForMs[level]` (escalating steps, the last repeating).
 */
export interface PenaltyPolicy extends PolicyBase {
  /** Always 'penalty'. */
  readonly algorithm: 'penalty';
  /** The span strikes are counted over, µs (`windowMs` × 1000). */
  readonly withinUs: number;
  /** Block durations (ms), one per escalation step; one entry for a fixed block. */
  readonly blockForMs: readonly number[];
  /** The same, µs. */
  readonly blockForUs: readonly number[];
}

/** A policy every store implements: a window or a bucket. */
export type RatePolicy = WindowPolicy | BucketPolicy;
/**
 * Any policy, as the policy constructors build it (validated, frozen and branded): a rate
 * policy, a concurrency limit or a penalty. Build them with the constructors, never by hand.
 */
export type Policy = RatePolicy | ConcurrencyPolicy | PenaltyPolicy;

/**
 * Brand of a policy built (and validated) by a policy constructor. A registry symbol, so a
 * policy made by the ESM copy of `@sluice/core` is recognised by the CommonJS copy; its value
 * is the policy format version, so a future incompatible copy is refused rather than misread.
 */
const POLICY_BRAND = Symbol.for('sluice.policy');
const POLICY_FORMAT = 1;

/** Brands and freezes a policy built by one of the constructors. Internal: not exported by the package. */
export function registerPolicy<P extends Policy>(policy: P, shadow = false): P {
  if (shadow) (policy as { shadow?: true }).shadow = true;
  Object.defineProperty(policy, POLICY_BRAND, { value: POLICY_FORMAT });
  return Object.freeze(policy);
}

/**
 * True for policies made by `fixedWindow()`, `tokenBucket()`, ... of any copy of
 * `@sluice/core` with this policy format. `createLimiter` re-checks their fields.
 */
export function isPolicy(value: unknown): value is Policy {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[POLICY_BRAND] === POLICY_FORMAT;
}

/** What a policy `name` may be: 1 to 64 of A-Z a-z 0-9 `_` `.` `-` (safe in headers and metric labels). */
export const POLICY_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
