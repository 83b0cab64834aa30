// Backoff when the server names no wait. Both jitters are from "Exponential Backoff And
// Jitter" (AWS Architecture Blog, 2015): full jitter spreads a crowd of clients evenly;
// decorrelated jitter grows from the previous sleep instead of the attempt number.

/**
 * 'full': a random delay in [0, min(capMs, baseMs * 2^attempt)); 'decorrelated':
 * min(capMs, random in [baseMs, previous delay * 3)). From "Exponential Backoff And Jitter" (AWS, 2015).
 */
export type Jitter = 'full' | 'decorrelated';

/** Backoff when a 429/503 names no wait (no Retry-After, no RateLimit reset). */
export interface BackoffOptions {
  /** First step, ms. Default 100. */
  baseMs?: number;
  /** No backoff is longer, ms. Default 20_000. */
  capMs?: number;
  /** Default 'full'. */
  jitter?: Jitter;
}

/**
 * The backoff before retry number `attempt` (0 for the first retry), in ms.
 * full: random(0, min(capMs, baseMs * 2^attempt)).
 * decorrelated: min(capMs, random(baseMs, previousMs * 3)), `previousMs` the last backoff (baseMs at first).
 */
export function backoffDelayMs(
  attempt: number,
  previousMs: number,
  baseMs: number,
  capMs: number,
  jitter: Jitter,
  random: () => number = Math.random,
): number {
  if (jitter === 'decorrelated') {
    const upper = Math.max(baseMs, previousMs * 3);
    return Math.min(capMs, baseMs + random() * (upper - baseMs));
  }
  // 2^attempt overflows to Infinity for large attempts; min() still gives capMs.
  return random() * Math.min(capMs, baseMs * 2 ** attempt);
}
