import { type LimitAlgorithm, appLimited } from './algorithm.js';
import { LatencyBaseline } from './baseline.js';
import type { WindowSample } from './sample-window.js';

// Additive increase, multiplicative decrease, as TCP Reno does with its window: one more slot
// per busy window while latency stays near the no-load RTT, a tenth off when it does not (or a
// request of the window was dropped).

const BACKOFF = 0.9;
/** A window RTT above this multiple of the baseline means requests are queueing. */
const TOLERANCE = 1.5;

export class AimdAlgorithm implements LimitAlgorithm {
  readonly name = 'aimd' as const;
  private readonly baseline = new LatencyBaseline();

  get baselineRttMs(): number {
    return this.baseline.ms;
  }

  update(limit: number, sample: WindowSample): number {
    const baseline = this.baseline.update(sample.rttMs, sample.spanMs);
    if (sample.dropped || sample.rttMs > TOLERANCE * baseline) return limit * BACKOFF;
    if (appLimited(limit, sample)) return limit;
    return limit + 1;
  }
}
