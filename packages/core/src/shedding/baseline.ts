/**
 * The latency a service shows when nothing queues, estimated from window RTTs. A plain long
 * average (as Netflix's Gradient2 keeps) creeps up while the service runs saturated, since the
 * queueing it is meant to detect feeds it; then the limit climbs with it. So this one falls
 * quickly toward a lower window RTT and rises only slowly, with a time constant, so a service
 * that became slower for good is adopted over a few minutes (time constant 60 s) while sustained
 * queueing barely moves it.
 */
export class LatencyBaseline {
  private valueMs = Number.NaN;

  constructor(
    /** Share of the gap closed per window when the RTT is below the baseline. */
    private readonly fallShare = 0.2,
    /** Time constant of the rise, ms. */
    private readonly riseTauMs = 60_000,
  ) {}

  /** ms; NaN before the first window. */
  get ms(): number {
    return this.valueMs;
  }

  update(rttMs: number, spanMs: number): number {
    if (Number.isNaN(this.valueMs)) this.valueMs = rttMs;
    else if (rttMs < this.valueMs) this.valueMs += (rttMs - this.valueMs) * this.fallShare;
    else this.valueMs += (rttMs - this.valueMs) * (1 - Math.exp(-Math.max(0, spanMs) / this.riseTauMs));
    return this.valueMs;
  }
}
