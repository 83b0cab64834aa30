import { headerValue, type HeadersLike } from './header-value.js';
import { parseHttpDate } from './http-date.js';

const DELAY_SECONDS = /^\d+$/;

/**
 * A Retry-After value (RFC 9110 section 10.2.3) as a wait in milliseconds from `nowMs`:
 * delay-seconds (`120`) or an HTTP-date in any of its three forms (a date in the past gives 0).
 * Undefined when the value is absent or malformed (a malformed field is ignored, never
 * guessed at: `1.5`, `-1`, `soon`).
 */
export function parseRetryAfter(value: string | undefined | null, nowMs: number = Date.now()): number | undefined {
  if (value === undefined || value === null) return undefined;
  const trimmed = value.trim();
  if (DELAY_SECONDS.test(trimmed)) {
    const seconds = Number(trimmed);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : undefined;
  }
  const at = parseHttpDate(trimmed, nowMs);
  return at === undefined ? undefined : Math.max(0, at - nowMs);
}

/**
 * The wait a response's Retry-After asks for, in milliseconds, or undefined when it has none
 * (or a malformed one). Accepts a fetch Response, anything with `headers`, or headers alone.
 */
export function retryAfterMs(response: { headers: HeadersLike } | HeadersLike, nowMs: number = Date.now()): number | undefined {
  const headers = isHeadersHolder(response) ? response.headers : response;
  return parseRetryAfter(headerValue(headers, 'retry-after'), nowMs);
}

function isHeadersHolder(value: unknown): value is { headers: HeadersLike } {
  const headers = (value as { headers?: unknown }).headers;
  return typeof headers === 'object' && headers !== null;
}
