import type { WindowPolicy } from '../policies/policy.js';
import type { Evaluate, FixedWindowState } from './types.js';

export const evaluateFixedWindow: Evaluate<WindowPolicy, FixedWindowState> = (policy, state, now, cost, mode) => {
  const { limit, windowUs } = policy;
  const live = state !== undefined && now < state.start + windowUs;
  const start = live ? state.start : now;
  const count = live ? state.count : 0;
  const end = start + windowUs;

  if (mode === 'refund') {
    const refunded = Math.max(0, count - cost);
    return {
      allowed: true,
      remaining: limit - refunded,
      resetAfterUs: refunded === 0 ? 0 : end - now,
      retryAfterUs: 0,
      delayUs: 0,
      next: live ? { expiresAtUs: end, start, count: refunded } : undefined,
    };
  }
  const allowed = count + cost <= limit;
  if (mode === 'peek' || !allowed) {
    return {
      allowed,
      remaining: limit - count,
      resetAfterUs: count === 0 ? 0 : end - now,
      retryAfterUs: allowed ? 0 : cost > limit ? Infinity : end - now,
      delayUs: 0,
      next: state,
    };
  }
  const charged = count + cost;
  return {
    allowed: true,
    remaining: limit - charged,
    resetAfterUs: end - now,
    retryAfterUs: 0,
    delayUs: 0,
    next: { expiresAtUs: end, start, count: charged },
  };
};
