import { InvalidOptionError } from '../errors.js';
import { registerPolicy, type WindowPolicy } from './policy.js';
import { parseWindowOptions, type WindowPolicyOptions } from './window-options.js';

/** limit × window (ms) must stay below 2^52 so the weighted count is exact in doubles and Lua. */
const MAX_WEIGHTED = 2 ** 52;

/**
 * Weighted two-window counter: the previous aligned window's count, weighted by how much of
 * it still overlaps the sliding window, plus the current one's. State: two counts.
 */
export function slidingWindow(options: WindowPolicyOptions): WindowPolicy {
  const { limit, windowMs, name, shadow } = parseWindowOptions(options, 'slidingWindow');
  if (limit * windowMs > MAX_WEIGHTED) {
    throw new InvalidOptionError('limit', limit, `at most ${Math.floor(MAX_WEIGHTED / windowMs)} for a ${windowMs} ms window`);
  }
  const id = `sw-${limit}-${windowMs}`;
  return registerPolicy({ algorithm: 'sliding-window', id, name: name ?? id, limit, windowMs, windowUs: windowMs * 1000 }, shadow);
}
