/**
 * One aggregated observation handed to a limit algorithm: the mean round-trip time of the
 * requests that finished in a window, the most requests in flight meanwhile, and whether any
 * of them was dropped (a timeout or an overload status), which is a congestion signal.
 */
export interface WindowSample {
  /** Mean round-trip time of the window's requests, ms (> 0). */
  rttMs: number;
  /** Highest in-flight count seen while the window was open. */
  maxInFlight: number;
  /** True when any request of the window was dropped. */
  dropped: boolean;
  /** Requests that finished in the window (>= 1). */
  count: number;
  /** How long the window was open, ms. */
  spanMs: number;
}

// A window closes once it holds enough samples and spans enough time, so one slow request
// cannot move the limit, and a quiet service still updates now and then.
const MIN_SAMPLES = 10;
const MIN_SPAN_MS = 20;
const MAX_SPAN_MS = 1000;

/** Accumulates samples; `add` returns the closed window's figures, else undefined. Reuses one object. */
export class SampleWindow {
  private startMs = Number.NaN;
  private sumRttMs = 0;
  private count = 0;
  private maxInFlight = 0;
  private dropped = false;
  private readonly out: WindowSample = { rttMs: 0, maxInFlight: 0, dropped: false, count: 0, spanMs: 0 };

  /** Notes the in-flight count at an admission, so the window knows how busy it was. */
  observeInFlight(inFlight: number): void {
    if (inFlight > this.maxInFlight) this.maxInFlight = inFlight;
  }

  add(nowMs: number, rttMs: number, inFlight: number, dropped: boolean): WindowSample | undefined {
    if (Number.isNaN(this.startMs)) this.startMs = nowMs - rttMs;
    this.sumRttMs += rttMs;
    this.count += 1;
    if (inFlight > this.maxInFlight) this.maxInFlight = inFlight;
    if (dropped) this.dropped = true;
    const span = nowMs - this.startMs;
    if (!((this.count >= MIN_SAMPLES && span >= MIN_SPAN_MS) || span >= MAX_SPAN_MS)) return undefined;
    const out = this.out;
    // A clock that does not advance (tests, coarse timers) still yields a positive mean.
    out.rttMs = Math.max(this.sumRttMs / this.count, 1e-3);
    out.maxInFlight = this.maxInFlight;
    out.dropped = this.dropped;
    out.count = this.count;
    out.spanMs = span;
    this.startMs = nowMs;
    this.sumRttMs = 0;
    this.count = 0;
    this.maxInFlight = inFlight;
    this.dropped = false;
    return out;
  }
}
