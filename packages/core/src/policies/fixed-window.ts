import { registerPolicy, type WindowPolicy } from './policy.js';
import { parseWindowOptions, type WindowPolicyOptions } from './window-options.js';

/**
 * At most `limit` per window. The window starts with the key's first request and restarts
 * with the first request after it ends. State: a start time and a count.
 */
export function fixedWindow(options: WindowPolicyOptions): WindowPolicy {
  const { limit, windowMs, name, shadow } = parseWindowOptions(options, 'fixedWindow');
  const id = `fw-${limit}-${windowMs}`;
  return registerPolicy({ algorithm: 'fixed-window', id, name: name ?? id, limit, windowMs, windowUs: windowMs * 1000 }, shadow);
}
