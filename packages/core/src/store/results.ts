import type { Evaluation } from '../algorithms/types.js';
import type { Policy } from '../policies/policy.js';
import { microsToMsCeil } from '../time/clock.js';
import type { PolicyResult } from './types.js';

/**
 * Builds a PolicyResult from microsecond figures, rounding durations up to whole
 * milliseconds (a retry at `retryAfterMs` never comes early). Stores that compute in Lua or
 * SQL call this with the numbers they return, so every store reports identically.
 */
export function policyResult(
  policy: Policy,
  allowed: boolean,
  remaining: number,
  resetAfterUs: number,
  retryAfterUs: number,
  delayUs: number,
): PolicyResult {
  return {
    policy: policy.name,
    allowed,
    limit: policy.limit,
    remaining,
    resetAfterMs: microsToMsCeil(resetAfterUs),
    retryAfterMs: microsToMsCeil(retryAfterUs),
    delayMs: microsToMsCeil(delayUs),
  };
}

export function resultOf(policy: Policy, e: Evaluation): PolicyResult {
  return policyResult(policy, e.allowed, e.remaining, e.resetAfterUs, e.retryAfterUs, e.delayUs);
}
