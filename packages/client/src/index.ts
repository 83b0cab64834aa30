/**
 * fetch that honours 429, Retry-After and RateLimit fields, paces itself before the 429,
 * and shares outbound limits across processes through a Sluice limiter. See docs/client.md.
 *
 * @module @sluice/client
 */
export { withRateLimit, type FetchLike } from './with-rate-limit.js';
export type { RateLimitClientOptions, OutgoingRequest } from './options.js';
export { RetryWaitError, ClientErrorCodes, type WaitBound, type WaitSource, type WaitDetails } from './errors.js';
export { CLIENT_HOOK_FAILED, type WaitEvent, type RetryEvent, type GiveUpEvent, type ClientHooks, type WarningHandler } from './events.js';
export { parseRateLimit, legacyResetMs, type RateLimitInfo, type RateLimitPolicyInfo, type RateLimitFormat } from './headers/parse-rate-limit.js';
export { retryAfterMs, parseRetryAfter } from './headers/retry-after.js';
export { parseHttpDate } from './headers/http-date.js';
export { headerValue, type HeadersLike } from './headers/header-value.js';
export { backoffDelayMs, type BackoffOptions, type Jitter } from './retry/backoff.js';
export { RetryBudget, type RetryBudgetOptions } from './retry/retry-budget.js';
export { IDEMPOTENT_METHODS, isReplayableBody } from './retry/replay.js';
