// X-RateLimit-Limit / -Remaining / -Reset, the de-facto headers before the IETF drafts.
// Reset is a Unix timestamp in seconds, as most clients of these headers expect.

import type { ResetInput } from './seconds.js';

/**
 * X-RateLimit-Reset: the epoch second by which `resetSeconds` will have passed.
 * @deprecated Rounds twice (now up, then the reset up), so within one window the value can move
 * one second later. Use `legacyResetEpochSeconds`, which rounds the reset instant once.
 */
export function legacyResetValue(nowMs: number, resetSeconds: number): number {
  return Math.ceil(nowMs / 1000) + resetSeconds;
}

/**
 * X-RateLimit-Reset as an epoch second: the instant the policy resets (`nowMs` plus the wait,
 * ms), rounded up once, so every response within one window carries the same value. The wait
 * is the one `resetSeconds` uses: admitted (or denied for good), until the quota is fully
 * restored (`resetAfterMs`); denied, until a same-cost retry can pass (`retryAfterMs`, at
 * least 1 s, as Retry-After).
 */
export function legacyResetEpochSeconds(nowMs: number, result: ResetInput): number {
  const waitMs = result.allowed || result.retryAfterMs === Infinity ? result.resetAfterMs : Math.max(1000, result.retryAfterMs);
  return Math.ceil((nowMs + waitMs) / 1000);
}
