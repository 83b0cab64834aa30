import { registerPolicy, type WindowPolicy } from './policy.js';
import { parseWindowOptions, type WindowPolicyOptions } from './window-options.js';

/** State grows with the limit (one timestamp per admitted unit), so it is capped. */
export const MAX_SLIDING_LOG_LIMIT = 100_000;

/**
 * Exact: at most `limit` in any window of its length. State: one timestamp per admitted
 * unit of cost, so O(limit) per key; prefer slidingWindow for large limits.
 */
export function slidingLog(options: WindowPolicyOptions): WindowPolicy {
  const { limit, windowMs, name, shadow } = parseWindowOptions(options, 'slidingLog', MAX_SLIDING_LOG_LIMIT);
  const id = `sl-${limit}-${windowMs}`;
  return registerPolicy({ algorithm: 'sliding-log', id, name: name ?? id, limit, windowMs, windowUs: windowMs * 1000 }, shadow);
}
