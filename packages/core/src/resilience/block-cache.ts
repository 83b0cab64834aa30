import type { Decision } from '../limiter/decision.js';
import type { PolicyResult } from '../store/types.js';

interface Blocked {
  /** Local monotonic ms when the store's denial surely still held; the entry lapses then. */
  readonly until: number;
  /** The denied cost: only requests costing at least this much are surely denied too. */
  readonly cost: number;
  /** When the denial was recorded (to age the figures). */
  readonly at: number;
  readonly decision: Decision;
}

function aged(ms: number, elapsed: number): number {
  return ms === Infinity ? Infinity : Math.max(0, Math.ceil(ms - elapsed));
}

/**
 * Keys the store denied, per limiter: a request for such a key with a cost >= the denied one is
 * denied here, without a store call, until the store's retryAfterMs has passed. Bounded: a Map
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
    if (cost < entry.cost) return undefined;
    const elapsed = now - entry.at;
    const cached = entry.decision;
    const results: PolicyResult[] = cached.results.map((result) => ({
      ...result,
      resetAfterMs: aged(result.resetAfterMs, elapsed),
      retryAfterMs: result.allowed ? 0 : aged(result.retryAfterMs, elapsed),
    }));
    return {
      allowed: false,
      limit: cached.limit,
      remaining: cached.remaining,
      resetAfterMs: aged(cached.resetAfterMs, elapsed),
      // At least 1 ms: the entry is still live.
      retryAfterMs: entry.until === Infinity ? Infinity : Math.max(1, Math.ceil(entry.until - now)),
      delayMs: 0,
      policy: cached.policy,
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
    entries.set(key, { until, cost, at: sentAt, decision });
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
