/** Response header names, in the spelling the drafts use. */
export const HeaderNames = {
  RATE_LIMIT: 'RateLimit',
  RATE_LIMIT_POLICY: 'RateLimit-Policy',
  RATE_LIMIT_LIMIT: 'RateLimit-Limit',
  RATE_LIMIT_REMAINING: 'RateLimit-Remaining',
  RATE_LIMIT_RESET: 'RateLimit-Reset',
  RETRY_AFTER: 'Retry-After',
  LEGACY_LIMIT: 'X-RateLimit-Limit',
  LEGACY_REMAINING: 'X-RateLimit-Remaining',
  LEGACY_RESET: 'X-RateLimit-Reset',
} as const;

export type HeadersFormat = 'draft-10' | 'draft-7' | 'draft-6';
export const HEADERS_FORMATS: readonly HeadersFormat[] = ['draft-10', 'draft-7', 'draft-6'];
