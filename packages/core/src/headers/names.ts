/** Response header names, in the spelling the drafts use. */
export const HeaderNames = {
  /** draft-10: a list with one member per policy (`r`, `t`); draft-7: a dictionary (limit, remaining, reset). */
  RATE_LIMIT: 'RateLimit',
  /** The policies' quotas and windows (draft-10: `q`, `w` per policy; draft-7 and draft-6: the binding policy's). */
  RATE_LIMIT_POLICY: 'RateLimit-Policy',
  /** draft-6: the binding policy's quota. */
  RATE_LIMIT_LIMIT: 'RateLimit-Limit',
  /** draft-6: units left. */
  RATE_LIMIT_REMAINING: 'RateLimit-Remaining',
  /** draft-6: seconds until the reset. */
  RATE_LIMIT_RESET: 'RateLimit-Reset',
  /** RFC 9110: delay-seconds before a retry (on every 429 and 503), rounded up, at least 1. */
  RETRY_AFTER: 'Retry-After',
  /** The de-facto legacy headers (`legacyHeaders: true`): the quota. */
  LEGACY_LIMIT: 'X-RateLimit-Limit',
  /** Legacy: units left. */
  LEGACY_REMAINING: 'X-RateLimit-Remaining',
  /** Legacy: the reset as a Unix timestamp, seconds (as most clients of these headers expect). */
  LEGACY_RESET: 'X-RateLimit-Reset',
} as const;

/**
 * Which RateLimit fields to send: 'draft-10' (draft-ietf-httpapi-ratelimit-headers-10, the
 * default), 'draft-7' or 'draft-6' (earlier revisions of that draft).
 */
export type HeadersFormat = 'draft-10' | 'draft-7' | 'draft-6';
/** Every HeadersFormat, newest first. */
export const HEADERS_FORMATS: readonly HeadersFormat[] = ['draft-10', 'draft-7', 'draft-6'];
