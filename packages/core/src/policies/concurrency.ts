import type { Duration } from '../time/duration.js';
import { parseDuration } from '../time/duration.js';
import { assertKnownKeys, assertNonEmptyString, assertPlainObject, assertPositiveInteger } from '../validate.js';
import { POLICY_NAME_PATTERN, registerPolicy, type ConcurrencyPolicy } from './policy.js';

/** Leases are held per key in one list (a Redis sorted set, a Postgres array): bounded like the sliding log. */
export const MAX_CONCURRENCY_LIMIT = 100_000;

/**
 * Options of `concurrency`. A bad or unknown option throws InvalidOptionError
 * (ERR_SLUICE_INVALID_OPTION / ERR_SLUICE_UNKNOWN_OPTION) naming it.
 */
export interface ConcurrencyOptions {
  /** Units of cost in progress at once per key (requests, with the default cost 1). */
  limit: number;
  /**
   * How long a lease lasts unless released first (ms, or '30s', '2m'): a process that dies
   * mid-request loses its leases after this. Long requests renew (`decision.lease.renew()`).
   */
  leaseMs: Duration;
  /** Shown in RateLimit headers and problem bodies. Letters, digits, `_`, `.`, `-`. */
  name?: string;
}

const KEYS = new Set(['limit', 'leaseMs', 'name']);

/**
 * The concurrency (in-flight) limit: a request is admitted while fewer than `limit` units
 * are in progress for its key; it then holds a lease of `cost` units, given back by
 * `decision.lease.release()` (the middleware does it when the response ends, however it ends)
 * or after `leaseMs`. State: one (lease id, units, expiry) per request in progress.
 * Throws InvalidOptionError (ERR_SLUICE_INVALID_OPTION / ERR_SLUICE_UNKNOWN_OPTION) naming the option.
 */
export function concurrency(options: ConcurrencyOptions): ConcurrencyPolicy {
  assertPlainObject(options, 'concurrency');
  assertKnownKeys(options, KEYS, '');
  const limit = assertPositiveInteger(options.limit, 'limit', MAX_CONCURRENCY_LIMIT);
  const leaseMs = parseDuration(options.leaseMs, 'leaseMs');
  const name =
    options.name === undefined
      ? undefined
      : assertNonEmptyString(options.name, 'name', POLICY_NAME_PATTERN, 'letters, digits, "_", "." or "-" (1 to 64)');
  const id = `cc-${limit}-${leaseMs}`;
  return registerPolicy({ algorithm: 'concurrency', id, name: name ?? id, limit, windowMs: leaseMs, leaseMs, leaseUs: leaseMs * 1000 });
}
