import type { WindowPolicy } from '../policies/policy.js';
import type { Evaluate, SlidingLogState } from './types.js';

/** A stamp counts while now < stamp + window. New stamps never go below the newest one. */
export const evaluateSlidingLog: Evaluate<WindowPolicy, SlidingLogState> = (policy, state, now, cost, mode) => {
  const { limit, windowUs } = policy;
  const stamps = state === undefined ? [] : state.stamps;
  let first = 0;
  while (first < stamps.length && (stamps[first] as number) + windowUs <= now) first++;
  const used = stamps.length - first;
  const newest = used > 0 ? (stamps[stamps.length - 1] as number) : now;

  if (mode === 'refund') {
    const kept = stamps.slice(first, stamps.length - Math.min(cost, used));
    return {
      allowed: true,
      remaining: limit - kept.length,
      resetAfterUs: kept.length === 0 ? 0 : (kept[kept.length - 1] as number) + windowUs - now,
      retryAfterUs: 0,
      delayUs: 0,
      next: kept.length === 0 ? undefined : { expiresAtUs: (kept[kept.length - 1] as number) + windowUs, stamps: kept },
    };
  }
  const allowed = used + cost <= limit;
  if (mode === 'peek' || !allowed) {
    let retryAfterUs = 0;
    if (!allowed) {
      // Free the oldest (used + cost − limit) units: the last of them expires at its stamp + window.
      retryAfterUs = cost > limit ? Infinity : (stamps[first + used + cost - limit - 1] as number) + windowUs - now;
    }
    return {
      allowed,
      remaining: limit - used,
      resetAfterUs: used === 0 ? 0 : newest + windowUs - now,
      retryAfterUs,
      delayUs: 0,
      next: state,
    };
  }
  const stamp = Math.max(now, newest);
  const kept = stamps.slice(first);
  for (let i = 0; i < cost; i++) kept.push(stamp);
  return {
    allowed: true,
    remaining: limit - kept.length,
    resetAfterUs: stamp + windowUs - now,
    retryAfterUs: 0,
    delayUs: 0,
    next: { expiresAtUs: stamp + windowUs, stamps: kept },
  };
};
