// Durations on the wire are whole seconds (delay-seconds), always rounded up: a client that
// waits the advertised time never comes back early.

/** Milliseconds to whole seconds, rounded up (0 stays 0). */
export function ceilSeconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

/** Retry-After for a finite wait: whole seconds, rounded up, at least 1. */
export function retryAfterSeconds(retryAfterMs: number): number {
  return retryAfterMs <= 1000 ? 1 : Math.ceil(retryAfterMs / 1000);
}

/** The figures of one policy (or of a decision's binding policy) that a reset value is made from. */
export interface ResetInput {
  /** Whether the policy admitted the request. */
  allowed: boolean;
  /** Until the quota is fully restored, ms. */
  resetAfterMs: number;
  /** Until a same-cost retry can pass, ms: 0 when allowed, Infinity when never. */
  retryAfterMs: number;
}

/**
 * The reset value (`t` in draft-10, `reset` in draft-7, RateLimit-Reset in draft-6), in seconds.
 * Admitted: until the quota is fully restored. Denied: until a same-cost retry can pass, so it
 * equals Retry-After. Denied for good (the cost exceeds the policy): until the quota is restored.
 */
export function resetSeconds(result: ResetInput): number {
  if (result.allowed || result.retryAfterMs === Infinity) return ceilSeconds(result.resetAfterMs);
  return retryAfterSeconds(result.retryAfterMs);
}
