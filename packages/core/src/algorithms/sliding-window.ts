import type { WindowPolicy } from '../policies/policy.js';
import type { Evaluate, Evaluation, SlidingWindowState } from './types.js';

/**
 * Windows are aligned to multiples of the window length. The estimate is
 * previous × (W − elapsed) / W + current, compared in integers at millisecond granularity
 * (limit × W_ms < 2^52 is enforced), so a boundary never flips on float error.
 */
export const evaluateSlidingWindow: Evaluate<WindowPolicy, SlidingWindowState> = (policy, state, now, cost, mode) => {
  const { limit, windowUs, windowMs } = policy;
  let start = now - (((now % windowUs) + windowUs) % windowUs);
  let current = 0;
  let previous = 0;
  if (state !== undefined) {
    // A state from a later window means the clock stepped back: keep counting in that window
    // rather than reading it as absent (which would admit a whole limit again).
    if (state.start >= start) {
      start = state.start;
      current = state.current;
      previous = state.previous;
    } else if (state.start === start - windowUs) {
      previous = state.current;
    }
  }
  const elapsedMs = now > start ? Math.floor((now - start) / 1000) : 0;
  const previousWeightMs = windowMs - elapsedMs;

  if (mode === 'refund') {
    const fromCurrent = Math.min(current, cost);
    current -= fromCurrent;
    previous = Math.max(0, previous - (cost - fromCurrent));
    return written(policy, now, start, current, previous, previousWeightMs);
  }
  const allowed = previous * previousWeightMs + (current + cost) * windowMs <= limit * windowMs;
  if (mode === 'peek' || !allowed) {
    return {
      allowed,
      remaining: remainingOf(limit, windowMs, current, previous, previousWeightMs),
      resetAfterUs: resetAfter(now, start, windowUs, current, previous),
      retryAfterUs: allowed ? 0 : retryAfter(policy, now, start, current, previous, cost),
      delayUs: 0,
      next: state,
    };
  }
  return written(policy, now, start, current + cost, previous, previousWeightMs);
};

/** The result of a request that writes (an admitted consume, a refund): counts as they become. */
function written(
  policy: WindowPolicy,
  now: number,
  start: number,
  current: number,
  previous: number,
  previousWeightMs: number,
): Evaluation {
  const { limit, windowMs, windowUs } = policy;
  return {
    allowed: true,
    remaining: remainingOf(limit, windowMs, current, previous, previousWeightMs),
    resetAfterUs: resetAfter(now, start, windowUs, current, previous),
    retryAfterUs: 0,
    delayUs: 0,
    next: stateOf(start, windowUs, current, previous),
  };
}

function stateOf(start: number, windowUs: number, current: number, previous: number): SlidingWindowState | undefined {
  if (current === 0 && previous === 0) return undefined;
  return { expiresAtUs: start + 2 * windowUs, start, current, previous };
}

export function remainingOf(limit: number, windowMs: number, current: number, previous: number, previousWeightMs: number): number {
  const free = limit * windowMs - previous * previousWeightMs - current * windowMs;
  return free <= 0 ? 0 : Math.floor(free / windowMs);
}

export function resetAfter(now: number, start: number, windowUs: number, current: number, previous: number): number {
  if (current > 0) return start + 2 * windowUs - now;
  if (previous > 0) return start + windowUs - now;
  return 0;
}

/** Earliest time a request of `cost` fits: later in this window as `previous` fades, or in the next. */
export function retryAfter(policy: WindowPolicy, now: number, start: number, current: number, previous: number, cost: number): number {
  const { limit, windowMs, windowUs } = policy;
  if (cost > limit) return Infinity;
  const room = limit - current - cost;
  if (room >= 0 && previous > 0) {
    // previous × (W − e) ≤ room × W  ⇔  e ≥ W − floor(room × W / previous)
    const elapsedMs = windowMs - Math.floor((room * windowMs) / previous);
    return start + elapsedMs * 1000 - now;
  }
  // Next window: `current` becomes the previous one, fading from full weight.
  const nextRoom = limit - cost;
  const elapsedMs = current === 0 ? 0 : Math.max(0, windowMs - Math.floor((nextRoom * windowMs) / current));
  return start + windowUs + elapsedMs * 1000 - now;
}
