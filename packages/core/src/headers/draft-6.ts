// draft-ietf-httpapi-ratelimit-headers-06: RateLimit-Limit, RateLimit-Remaining and
// RateLimit-Reset (delay-seconds) as separate integer fields, plus RateLimit-Policy, all for the
// binding policy. The integer fields are written with String(n); only the policy needs syntax.
import { windowSeconds } from './window-seconds.js';

/** `RateLimit-Policy: 100;w=60` (the quota policy syntax draft-6 shares with draft-7). */
export function draft6PolicyValue(limit: number, windowMs: number): string {
  return limit + ';w=' + windowSeconds(windowMs);
}
