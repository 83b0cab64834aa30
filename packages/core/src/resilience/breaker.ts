import type { BreakerState } from '../events/types.js';
import type { Store } from '../store/types.js';
import { announceBreaker, registerBreaker, registeredBreaker, type BreakerView } from './breaker-registry.js';
import type { ResolvedBreakerOptions } from './options.js';

/**
 * A store's circuit breaker. Closed: every call goes to the store; `failureThreshold` failures in
 * a row (or a `failureRatio` of at least `minimumCalls` calls within `windowMs`) open it. Open:
 * no call goes to the store for `cooldownMs`; the limiter's failure policy decides at once.
 * Then half-open: up to `halfOpenProbes` calls go through; that many successes close it, one
 * failure opens it again. No timer: time is read (monotonic) only on failures and while open.
 */
export class Breaker implements BreakerView {
  state: BreakerState = 'closed';
  private consecutive = 0;
  private openedAt = 0;
  private halfOpenedAt = 0;
  private probes = 0;
  private probeSuccesses = 0;
  /** failureRatio window (tumbling): its start, calls and failures. */
  private windowStart = 0;
  private calls = 0;
  private failures = 0;
  private readonly storeName: string;

  constructor(
    private readonly store: Store,
    readonly options: ResolvedBreakerOptions,
  ) {
    this.storeName = store.constructor?.name ?? 'store';
  }

  /**
   * Whether a call may go to the store now; the caller tests `state !== 'closed'` first, so a
   * closed breaker costs nothing here. Counts a half-open probe when it says yes.
   */
  admits(): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open') {
      if (performance.now() - this.openedAt < this.options.cooldownMs) return false;
      this.halfOpen();
    }
    if (this.probes >= this.options.halfOpenProbes) {
      // Probes whose outcome never came back (a caller that never reported) must not keep the breaker half-open forever.
      if (performance.now() - this.halfOpenedAt < this.options.cooldownMs) return false;
      this.halfOpen();
    }
    this.probes++;
    return true;
  }

  /** The store answered. */
  success(): void {
    if (this.state === 'closed') {
      this.consecutive = 0;
      if (this.options.failureRatio !== undefined) this.count(false);
      return;
    }
    // An answer to a call made before the breaker opened says the store is back: treat it as a probe.
    if (this.state === 'open') return;
    if (++this.probeSuccesses >= this.options.halfOpenProbes) {
      this.consecutive = 0;
      this.calls = 0;
      this.failures = 0;
      this.move('closed');
    }
  }

  /** The store failed or timed out. */
  failure(): void {
    if (this.state === 'half-open') {
      this.open();
      return;
    }
    if (this.state === 'open') return;
    const options = this.options;
    if (++this.consecutive >= options.failureThreshold) {
      this.open();
      return;
    }
    if (options.failureRatio !== undefined) {
      this.count(true);
      if (this.calls >= options.minimumCalls && this.failures >= options.failureRatio * this.calls) this.open();
    }
  }

  private count(failed: boolean): void {
    const now = performance.now();
    if (now - this.windowStart >= this.options.windowMs) {
      this.windowStart = now;
      this.calls = 0;
      this.failures = 0;
    }
    this.calls++;
    if (failed) this.failures++;
  }

  private halfOpen(): void {
    this.halfOpenedAt = performance.now();
    this.probes = 0;
    this.probeSuccesses = 0;
    this.move('half-open');
  }

  private open(): void {
    this.openedAt = performance.now();
    this.move('open');
  }

  private move(to: BreakerState): void {
    const from = this.state;
    if (from === to) return;
    this.state = to;
    // One frozen event for every watcher (a listener cannot change what the next one sees).
    announceBreaker(this.store, Object.freeze({ store: this.storeName, instance: this.store, from, to }));
  }
}

function sameOptions(a: ResolvedBreakerOptions, b: ResolvedBreakerOptions): boolean {
  return (Object.keys(a) as (keyof ResolvedBreakerOptions)[]).every((name) => a[name] === b[name]);
}

/**
 * The breaker of `store`, built with `options` by the first limiter that needs it; every later
 * limiter on the store shares it. `differs` is true when this limiter asked for other options
 * (the first limiter's stay in force: one store, one view of its health).
 */
export function breakerFor(store: Store, options: ResolvedBreakerOptions): { breaker: Breaker; differs: boolean } {
  const existing = registeredBreaker<Breaker>(store);
  if (existing !== undefined) return { breaker: existing, differs: !sameOptions(existing.options, options) };
  const breaker = new Breaker(store, options);
  registerBreaker(store, breaker);
  return { breaker, differs: false };
}
