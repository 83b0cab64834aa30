import type { RateLimitPolicyInfo } from '../headers/parse-rate-limit.js';

// What the client knows of one server policy between responses, as a local bucket kept in
// step with the server: each response resets the level to the `r` it reports (less what was
// sent after that request); between responses the level refills at the policy's rate.

/** How far back a refill-rate observation reaches at least, ms (longer for longer windows). */
const MIN_BASELINE_MS = 1_000;
const MAX_SAMPLES = 256;

interface Sample {
  atMs: number;
  remaining: number;
  /** Requests the server had admitted in total by then (as the client counts them). */
  admitted: number;
}

export class PolicyPace {
  private level = 0;
  private levelAtMs = 0;
  private quota: number | undefined;
  private windowMs: number | undefined;
  /** When the server said more quota comes (`t`). */
  private resetAtMs: number | undefined;
  /** Until then nothing is sent: a denial's Retry-After (or `t`). */
  private holdUntilMs = 0;
  /** Quota units per ms: from q/w, raised by what the server's reports show. */
  private ratePerMs: number | undefined;
  private learnedPerMs = 0;
  private readonly samples: Sample[] = [];
  /** No rate known and little left: spread the rest evenly until the reset. */
  private spreadIntervalMs = 0;
  private spreadNextMs = 0;

  /**
   * A report. `inFlight`: requests sent and not answered (taken as not yet counted by the
   * server); `admitted`: answers so far that were not 429.
   */
  resync(info: RateLimitPolicyInfo, nowMs: number, inFlight: number, admitted: number, denied: boolean, retryAfterMs: number | undefined): void {
    this.quota = info.quota ?? this.quota;
    this.windowMs = info.windowMs ?? this.windowMs;
    this.level = info.remaining - inFlight;
    this.levelAtMs = nowMs;
    this.resetAtMs = info.resetMs === undefined ? undefined : nowMs + info.resetMs;
    if (denied && info.remaining === 0) {
      const wait = retryAfterMs ?? info.resetMs;
      if (wait !== undefined) this.holdUntilMs = Math.max(this.holdUntilMs, nowMs + wait);
    }
    this.learn(info.remaining, nowMs, admitted);
    const prior = this.quota !== undefined && this.windowMs !== undefined ? this.quota / this.windowMs : undefined;
    const rate = Math.max(prior ?? 0, this.learnedPerMs);
    this.ratePerMs = rate > 0 ? rate : undefined;
    this.spreadIntervalMs = 0;
    if (this.ratePerMs === undefined && info.resetMs !== undefined && this.level >= 1 && this.isLow(info.remaining)) {
      this.spreadIntervalMs = info.resetMs / this.level;
      // Keeps the spacing from the last send: a report does not restart the spread.
      this.spreadNextMs = Math.max(this.spreadNextMs, nowMs);
    }
  }

  /** The earliest time one more request may go (nowMs when it may go now). */
  nextAtMs(nowMs: number): number {
    let at = Math.max(nowMs, this.holdUntilMs);
    const level = this.current(at);
    if (level < 1) {
      if (this.ratePerMs !== undefined) at += (1 - level) / this.ratePerMs;
      else if (this.resetAtMs !== undefined && this.resetAtMs > at) at = this.resetAtMs;
      else return Number.NaN; // nothing known to wait for: wait for a response
    }
    if (this.spreadIntervalMs > 0 && this.spreadNextMs > at) at = this.spreadNextMs;
    return at;
  }

  /**
   * The earliest time the request with `ahead` others queued before it may go, as the pace
   * stands (nextAtMs when `ahead` is 0); NaN when only an answer can tell. Each request ahead
   * takes one unit of the level, then of the refill, or one spread interval.
   */
  estimateAtMs(nowMs: number, ahead: number): number {
    let at = Math.max(nowMs, this.holdUntilMs);
    const need = ahead + 1 - this.current(at);
    if (need > 0) {
      if (this.ratePerMs !== undefined) at += need / this.ratePerMs;
      else if (this.resetAtMs !== undefined && this.resetAtMs > at) at = this.resetAtMs;
      else return Number.NaN;
    }
    if (this.spreadIntervalMs > 0) at = Math.max(at, this.spreadNextMs + ahead * this.spreadIntervalMs);
    return at;
  }

  /** One request sent now. */
  take(nowMs: number): void {
    this.level = this.current(nowMs) - 1;
    this.levelAtMs = nowMs;
    if (this.spreadIntervalMs > 0) this.spreadNextMs = Math.max(this.spreadNextMs, nowMs) + this.spreadIntervalMs;
  }

  /** After `t` with no rate known: the quota is back (the whole of it, if the server said). */
  private current(nowMs: number): number {
    if (this.ratePerMs !== undefined) {
      const refilled = this.level + this.ratePerMs * (nowMs - this.levelAtMs);
      return this.quota === undefined ? refilled : Math.min(this.quota, refilled);
    }
    if (this.resetAtMs !== undefined && nowMs >= this.resetAtMs && this.level < 1) {
      // Unknown quota: one request goes and its answer tells the rest.
      this.level = this.quota ?? 1;
      this.levelAtMs = nowMs;
      this.resetAtMs = undefined;
      this.spreadIntervalMs = 0;
    }
    return this.level;
  }

  private isLow(remaining: number): boolean {
    return this.quota === undefined ? remaining <= 10 : remaining <= this.quota / 10;
  }

  /**
   * Refill seen from two reports at least a baseline apart: r rose by (r - r0) while the server
   * admitted `admitted - admitted0` requests. Reports at a full quota are skipped (refill past
   * full is lost, so they understate it). A baseline of at least the window keeps a fixed
   * window's reset from reading as a fast refill.
   */
  private learn(remaining: number, nowMs: number, admitted: number): void {
    const full = this.quota !== undefined && remaining >= this.quota;
    if (full) {
      this.samples.length = 0;
      return;
    }
    const baseline = Math.max(MIN_BASELINE_MS, this.windowMs ?? 0);
    let base: Sample | undefined;
    let drop = 0;
    for (let i = 0; i < this.samples.length; i++) {
      const sample = this.samples[i]!;
      if (nowMs - sample.atMs >= baseline) {
        base = sample;
        // Older samples than the best base are no longer needed.
        drop = i;
      } else break;
    }
    if (base !== undefined) {
      const rate = (remaining - base.remaining + (admitted - base.admitted)) / (nowMs - base.atMs);
      if (rate > 0) this.learnedPerMs = rate;
      if (drop > 0) this.samples.splice(0, drop);
    }
    this.samples.push({ atMs: nowMs, remaining, admitted });
    if (this.samples.length > MAX_SAMPLES) this.samples.shift();
  }
}
