import type { Decision } from '../limiter/decision.js';
import type { PolicyResult } from '../store/types.js';

/**
 * The answer to an admitted request whose leaky-bucket hold (`delayMs`) is longer than the
 * adapter's `maxDelayMs`: a denial instead of a hold. The caller refunds the admitted cost, so
 * the figures are those after the refund: `remaining` gets `cost` back, and Retry-After is when
 * the same request's hold would fit (the queue drains `delayMs - maxDelayMs` meanwhile). The
 * refusing policy shows `remaining: 0`: its queue has room, but no request fits in it until then,
 * and a client reading `r` must not keep sending into refusals.
 */
export function refusedHold(decision: Decision, maxDelayMs: number, cost: number): Decision {
  let binding: PolicyResult | undefined;
  const results = decision.results.map((result): PolicyResult => {
    const remaining = Math.min(result.limit, result.remaining + cost);
    if (result.delayMs <= maxDelayMs) return { ...result, remaining };
    const refused = { ...result, allowed: false, remaining: 0, retryAfterMs: result.delayMs - maxDelayMs, delayMs: 0 };
    if (binding === undefined || refused.retryAfterMs > binding.retryAfterMs) binding = refused;
    return refused;
  });
  const chosen = binding!;
  return {
    ...decision,
    allowed: false,
    limit: chosen.limit,
    remaining: chosen.remaining,
    resetAfterMs: chosen.resetAfterMs,
    retryAfterMs: chosen.retryAfterMs,
    delayMs: 0,
    policy: chosen.policy,
    results,
  };
}
