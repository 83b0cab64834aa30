import { type LimitAlgorithm, appLimited } from './algorithm.js';
import { LatencyBaseline } from './baseline.js';
import type { WindowSample } from './sample-window.js';

// After the design of Netflix concurrency-limits' Gradient2: compare a long-term RTT (the
// baseline) with the latest window's RTT. While they agree the limit grows by a queue
// allowance; when the recent RTT rises (requests queue) their ratio falls below 1 and scales
// the limit down, at most by half per window, smoothed so one noisy window cannot swing it.
// Unlike Gradient2 the baseline resists creeping up under sustained load (see LatencyBaseline).

/** Share of each new estimate that enters the limit. */
const SMOOTHING = 0.2;
/** A recent RTT within this factor of the baseline counts as no queueing (absorbs jitter). */
const TOLERANCE = 1.1;

export class GradientAlgorithm implements LimitAlgorithm {
  readonly name = 'gradient' as const;
  private readonly baseline = new LatencyBaseline();

  get baselineRttMs(): number {
    return this.baseline.ms;
  }

  update(limit: number, sample: WindowSample): number {
    const shortRtt = sample.rttMs;
    const longRtt = this.baseline.update(shortRtt, sample.spanMs);
    if (appLimited(limit, sample)) return limit;
    const gradient = Math.max(0.5, Math.min(1, (TOLERANCE * longRtt) / shortRtt));
    // Queue allowance: a little queueing keeps the service busy between arrivals. Half of
    // Gradient2's sqrt(limit): with the full one the limit settled at about twice the knee.
    const queue = Math.sqrt(limit) / 2;
    const estimate = limit * gradient + queue;
    return limit * (1 - SMOOTHING) + estimate * SMOOTHING;
  }
}
