import type { PolicyResult } from '../store/types.js';
import type { Decision } from './decision.js';

/** A frozen copy of one result, field by field (a literal of one shape: several times faster to freeze than a spread). */
function resultView(result: PolicyResult): PolicyResult {
  return Object.freeze({
    policy: result.policy,
    allowed: result.allowed,
    limit: result.limit,
    remaining: result.remaining,
    resetAfterMs: result.resetAfterMs,
    retryAfterMs: result.retryAfterMs,
    delayMs: result.delayMs,
  });
}

/**
 * A frozen copy of `decision` for event listeners: they observe, and cannot change what the
 * caller (the middleware) acts on. Built only while a 'decision' listener is attached (about
 * 0.4 µs for one policy). The lease handle is shared as it is (its methods release the caller's
 * own lease).
 */
export function decisionView(decision: Decision): Readonly<Decision> {
  const from = decision.results;
  const results = new Array<PolicyResult>(from.length);
  for (let i = 0; i < from.length; i++) results[i] = resultView(from[i]!);
  const view: Decision = { ...decision, results: Object.freeze(results) };
  if (decision.shadow !== undefined) view.shadow = Object.freeze({ ...decision.shadow });
  return Object.freeze(view);
}
