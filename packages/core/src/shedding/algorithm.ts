import type { WindowSample } from './sample-window.js';

/** The algorithms `createAdaptiveLimiter` knows. */
export type AlgorithmName = 'gradient' | 'aimd';

/**
 * A limit estimator: given the current (fractional) limit and one window of observations,
 * returns the next limit, unclamped; the limiter clamps it to [minLimit, maxLimit].
 */
export interface LimitAlgorithm {
  readonly name: AlgorithmName;
  update(limit: number, sample: WindowSample): number;
  /** The latency it compares against (long-term RTT or no-load RTT), ms; NaN before the first window. */
  readonly baselineRttMs: number;
}

/** A busy service: it grows only when at least half its limit was in use (else it is app-limited). */
export function appLimited(limit: number, sample: WindowSample): boolean {
  return !sample.dropped && sample.maxInFlight * 2 < limit;
}
