import { AimdAlgorithm } from './aimd.js';
import type { AlgorithmName, LimitAlgorithm } from './algorithm.js';
import { GradientAlgorithm } from './gradient.js';
import { type AdaptiveLimiterOptions, type ResolvedAdaptiveOptions, resolveAdaptiveOptions } from './options.js';
import { type Ceilings, type Priority, assertPriority, ceilingsFor } from './priority.js';
import { SampleWindow } from './sample-window.js';

/**
 * How an admitted request ended, for the latency estimate: `success` gives a sample;
 * `dropped` (a timeout, an overload status such as 503/504) gives a sample that also counts as
 * congestion; `ignore` gives none (the middleware no longer uses it: a request whose client left
 * still gives a sample when its handler is done).
 */
export type Outcome = 'success' | 'dropped' | 'ignore';

/** One admitted request's slot. `release` frees it; calls after the first do nothing. */
export interface Permit {
  /** The priority it was admitted at. */
  readonly priority: Priority;
  /**
   * Frees the slot. `outcome`: 'success' (default: a latency sample), 'dropped' (a timeout or
   * an overload status: a sample that counts as congestion) or 'ignore' (the client left: no sample).
   */
  release(outcome?: Outcome): void;
}

/** Counters for metrics; all monotonic except `limit` and `inFlight`. */
export interface AdaptiveLimiterStats {
  /** 'gradient' or 'aimd'. */
  algorithm: AlgorithmName;
  /** Current concurrency limit (whole requests). */
  limit: number;
  /** Requests admitted and not yet released. */
  inFlight: number;
  /** The RTT the algorithm compares against, ms (NaN before the first window). */
  baselineRttMs: number;
  /** Requests admitted so far, per priority. */
  admitted: Record<Priority, number>;
  /** Requests refused (shed) so far, per priority. */
  shed: Record<Priority, number>;
}

const BRAND = Symbol.for('sluice.adaptiveLimiter');

class AdmittedPermit implements Permit {
  private released = false;
  constructor(
    private readonly owner: AdaptiveLimiter,
    readonly priority: Priority,
    readonly startMs: number,
  ) {}

  release(outcome: Outcome = 'success'): void {
    if (this.released) return;
    this.released = true;
    this.owner.settle(this.startMs, outcome);
  }
}

/**
 * A per-process concurrency limit that finds itself: it admits requests while fewer than the
 * current limit are in flight (less a reserve for higher priorities), measures how long the
 * admitted ones take, and moves the limit with its algorithm. Create with `createAdaptiveLimiter`.
 */
export class AdaptiveLimiter {
  /** Brand (a registry symbol): recognised across copies of @sluice/core by isAdaptiveLimiter. */
  readonly [BRAND] = true;
  private readonly settings: ResolvedAdaptiveOptions;
  private readonly algorithm: LimitAlgorithm;
  private readonly window = new SampleWindow();
  private estimate: number;
  private current: number;
  private inFlightCount = 0;
  private readonly ceilings: Ceilings = { critical: 0, normal: 0, sheddable: 0 };
  private readonly admittedCounts: Record<Priority, number> = { critical: 0, normal: 0, sheddable: 0 };
  private readonly shedCounts: Record<Priority, number> = { critical: 0, normal: 0, sheddable: 0 };

  constructor(options?: AdaptiveLimiterOptions) {
    this.settings = resolveAdaptiveOptions(options);
    this.algorithm = this.settings.algorithm === 'aimd' ? new AimdAlgorithm() : new GradientAlgorithm();
    this.estimate = this.settings.initialLimit;
    this.current = this.settings.initialLimit;
    this.applyLimit();
  }

  /** Current concurrency limit, whole requests. */
  get limit(): number {
    return this.current;
  }

  /** Requests admitted and not yet released. */
  get inFlight(): number {
    return this.inFlightCount;
  }

  /** The settings in force, defaults filled in. */
  get options(): Readonly<ResolvedAdaptiveOptions> {
    return this.settings;
  }

  /** The RTT the algorithm compares against (the service's latency when nothing queues), ms; NaN before the first window. */
  get baselineRttMs(): number {
    return this.algorithm.baselineRttMs;
  }

  /**
   * Admits a request of this priority if its class still has room, returning its permit, or
   * returns undefined (shed). The caller must release the permit on every exit path. Throws
   * InvalidOptionError (ERR_SLUICE_INVALID_OPTION, option `priority`) for anything but
   * 'critical', 'normal' or 'sheddable' (an unknown class has no ceiling, so it would never be shed).
   */
  tryAcquire(priority: Priority = 'normal'): Permit | undefined {
    assertPriority(priority, 'priority');
    if (this.inFlightCount >= this.ceilings[priority]) {
      this.shedCounts[priority] += 1;
      return undefined;
    }
    this.inFlightCount += 1;
    this.admittedCounts[priority] += 1;
    this.window.observeInFlight(this.inFlightCount);
    return new AdmittedPermit(this, priority, this.settings.clock());
  }

  /** Snapshot for metrics. */
  stats(): AdaptiveLimiterStats {
    return {
      algorithm: this.algorithm.name,
      limit: this.current,
      inFlight: this.inFlightCount,
      baselineRttMs: this.algorithm.baselineRttMs,
      admitted: { ...this.admittedCounts },
      shed: { ...this.shedCounts },
    };
  }

  /** @internal Called once per permit by its release. */
  settle(startMs: number, outcome: Outcome): void {
    const inFlightBefore = this.inFlightCount;
    this.inFlightCount -= 1;
    if (outcome === 'ignore') return;
    const now = this.settings.clock();
    const sample = this.window.add(now, Math.max(0, now - startMs), inFlightBefore, outcome === 'dropped');
    if (sample === undefined) return;
    const next = this.algorithm.update(this.estimate, sample);
    this.estimate = Math.min(this.settings.maxLimit, Math.max(this.settings.minLimit, next));
    this.applyLimit();
  }

  private applyLimit(): void {
    this.current = Math.max(this.settings.minLimit, Math.floor(this.estimate));
    ceilingsFor(this.current, this.settings.criticalReserve, this.settings.sheddableReserve, this.ceilings);
  }
}

/**
 * A new adaptive concurrency limiter (per process: the limit lives in memory). Options are
 * validated here; a bad one throws InvalidOptionError (ERR_SLUICE_INVALID_OPTION, or
 * ERR_SLUICE_UNKNOWN_OPTION for an unknown name) naming it.
 */
export function createAdaptiveLimiter(options?: AdaptiveLimiterOptions): AdaptiveLimiter {
  return new AdaptiveLimiter(options);
}

/** True for an AdaptiveLimiter from any copy of @sluice/core. */
export function isAdaptiveLimiter(value: unknown): value is AdaptiveLimiter {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
