// draft-ietf-httpapi-ratelimit-headers-07: one combined Dictionary for the binding policy.
import { windowSeconds } from './window-seconds.js';

/** `RateLimit-Policy: 100;w=60`. */
export function draft7PolicyValue(limit: number, windowMs: number): string {
  return limit + ';w=' + windowSeconds(windowMs);
}

/** `RateLimit: limit=100, remaining=50, reset=5`. */
export function draft7RateLimitValue(limit: number, remaining: number, resetSeconds: number): string {
  return 'limit=' + limit + ', remaining=' + remaining + ', reset=' + resetSeconds;
}
