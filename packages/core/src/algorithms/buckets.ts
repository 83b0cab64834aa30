import type { BucketPolicy } from '../policies/policy.js';
import type { BucketState, Evaluate } from './types.js';

/**
 * GCRA. `tat` is when the token bucket is full again (equivalently, when the leaky queue is
 * empty). A request of cost c fits when max(tat, now) + c×T − now ≤ capacity×T. The token
 * bucket admits it at once; the leaky bucket admits it with delay max(tat, now) − now, its
 * turn to leave the queue. Both use the same integer arithmetic on microseconds.
 */
function evaluateBucket(shaping: boolean): Evaluate<BucketPolicy, BucketState> {
  return (policy, state, now, cost, mode) => {
    const { capacity, intervalUs } = policy;
    const span = capacity * intervalUs;
    const base = state === undefined || state.tat < now ? now : state.tat;
    // Clamped: a clock that stepped back (a fake clock, a failover) can put tat beyond the span.
    const remainingAt = (tat: number) => Math.max(0, Math.floor((span - (tat - now)) / intervalUs));

    if (mode === 'refund') {
      const tat = Math.max(now, base - cost * intervalUs);
      return {
        allowed: true,
        remaining: remainingAt(tat),
        resetAfterUs: tat - now,
        retryAfterUs: 0,
        delayUs: 0,
        next: tat > now ? { expiresAtUs: tat, tat } : undefined,
      };
    }
    const tat = base + cost * intervalUs;
    const allowed = tat - now <= span;
    if (mode === 'peek' || !allowed) {
      return {
        allowed,
        remaining: remainingAt(base),
        resetAfterUs: base - now,
        retryAfterUs: allowed ? 0 : cost > capacity ? Infinity : tat - span - now,
        delayUs: 0,
        next: state,
      };
    }
    return {
      allowed: true,
      remaining: remainingAt(tat),
      resetAfterUs: tat - now,
      retryAfterUs: 0,
      delayUs: shaping ? base - now : 0,
      next: { expiresAtUs: tat, tat },
    };
  };
}

export const evaluateTokenBucket = evaluateBucket(false);
export const evaluateLeakyBucket = evaluateBucket(true);
