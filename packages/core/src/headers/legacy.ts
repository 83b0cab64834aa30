// X-RateLimit-Limit / -Remaining / -Reset, the de-facto headers before the IETF drafts.
// Reset is a Unix timestamp in seconds, as most clients of these headers expect.

/** X-RateLimit-Reset: the epoch second by which `resetSeconds` will have passed. */
export function legacyResetValue(nowMs: number, resetSeconds: number): number {
  return Math.ceil(nowMs / 1000) + resetSeconds;
}
