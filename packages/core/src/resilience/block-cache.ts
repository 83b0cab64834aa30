import type { Decision } from '../limiter/decision.js';
import type { PolicyResult } from '../store/types.js';

interface Blocked {
  /** Local monotonic ms when the store's denial surely still held; the entry lapses then. */
  readonly until: number;
  /**
   * The denied cost: only a request of this very cost is answered here. A larger cost is surely
   * denied too, but for longer (or for ever, above the limit), and only the store knows how long.
   */
  readonly cost: number;
  /** When the denial was recorded (to age the figures). */
  readonly at: number;
  /** The cache's own copy of the store's figures (callers and listeners may change theirs). */
  readonly limit: number;
  readonly remaining: number;
  readonly resetAfterMs: number;
  readonly policy: string;
  readonly results: readonly PolicyResult[];
}

function aged(ms: number, elapsed: number): number {
  return ms === Infinity ? Infinity : Math.max(0, Math.ceil(ms - elapsed));
}

/**
 * Keys the store denied, per limiter: a request for such a key with the denied cost is denied
 * here, without a store call, until the store's retryAfterMs has passed (one entry per key: the
 * last denial). Bounded: a Map
 * in insertion order, the oldest entry evicted past `maxEntries`; lapsed entries are dropped
 * when read. No timer.
 */
export class BlockCache {
  private readonly entries = new Map<string, Blocked>();

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * The cached denial for (key, cost), aged to now (decidedBy 'block-cache'), or undefined.
   * `now`: performance.now().
   */
  check(key: string, cost: number, now: number): Decision | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (now >= entry.until) {
      this.entries.delete(key);
      return undefined;
    }
    // Same cost only: the store's retryAfterMs holds for a same-cost retry (a cheaper one may pass, a dearer one waits longer).
    if (cost !== entry.cost) return undefined;
    const elapsed = now - entry.at;
    const results: PolicyResult[] = entry.results.map((result) => ({
      ...result,
      resetAfterMs: aged(result.resetAfterMs, elapsed),
      retryAfterMs: result.allowed ? 0 : aged(result.retryAfterMs, elapsed),
    }));
    return {
      allowed: false,
      limit: entry.limit,
      remaining: entry.remaining,
      resetAfterMs: aged(entry.resetAfterMs, elapsed),
      // At least 1 ms: the entry is still live.
      retryAfterMs: entry.until === Infinity ? Infinity : Math.max(1, Math.ceil(entry.until - now)),
      delayMs: 0,
      policy: entry.policy,
      results,
      decidedBy: 'block-cache',
    };
  }

  /**
   * Records a store denial of `cost`. `sentAt`: performance.now() when the request was sent, so
   * the entry lapses no later than the store's own (the store decided after that instant; its
   * retryAfterMs is rounded up to whole ms, hence the 1 ms taken off).
   */
  remember(key: string, cost: number, decision: Decision, sentAt: number): void {
    const retry = decision.retryAfterMs;
    if (!(retry > 1)) return;
    const until = retry === Infinity ? Infinity : sentAt + retry - 1;
    const entries = this.entries;
    entries.delete(key);
    const { limit, remaining, resetAfterMs, policy } = decision;
    // Copied (a denial's path only): the decision goes on to the caller and to listeners.
    const results = decision.results.map((result) => ({ ...result }));
    entries.set(key, { until, cost, at: sentAt, limit, remaining, resetAfterMs, policy, results });
    if (entries.size > this.maxEntries) {
      // The oldest first: a Map iterates in insertion order.
      const oldest = entries.keys().next().value as string;
      entries.delete(oldest);
    }
  }

  clear(key: string): void {
    this.entries.delete(key);
  }
}
