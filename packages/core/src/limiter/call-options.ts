import { ErrorCodes, InvalidOptionError } from '../errors.js';
import { assertKnownKeys, assertPlainObject } from '../validate.js';

// Per-call arguments follow the constructor rules: unknown names and bad values are typed
// errors naming the option; `null` is a bad value, never "absent".

/** Largest `nowMs` whose microseconds (the stores' unit) are still exact in a double. */
export const MAX_NOW_MS = Math.floor(Number.MAX_SAFE_INTEGER / 1000);

const CONSUME_KEYS: ReadonlySet<string> = new Set(['cost', 'nowMs']);

/** Checks the options object of consume/peek/refund (names only: `decide` checks the values). */
export function assertConsumeOptions(options: unknown): void {
  if (options === undefined) return;
  assertPlainObject(options, 'options');
  assertKnownKeys(options, CONSUME_KEYS, '');
}

export function invalidKey(key: unknown): InvalidOptionError {
  return new InvalidOptionError('key', key, 'a non-empty string (an empty key would put every client in one bucket)');
}

export function invalidCost(cost: unknown): InvalidOptionError {
  // Safe integers only: a store computing in Lua doubles or SQL bigint must represent it exactly.
  return new InvalidOptionError('cost', cost, 'an integer from 1 to 2^53 - 1');
}

export function invalidMode(mode: unknown): InvalidOptionError {
  return new InvalidOptionError('mode', mode, "'consume', 'peek' or 'refund'");
}

export function invalidNow(nowMs: unknown): InvalidOptionError {
  return new InvalidOptionError('nowMs', nowMs, `a finite number of ms since the epoch, from 0 to ${MAX_NOW_MS}`);
}

const INPUT_ERROR_CODES: ReadonlySet<unknown> = new Set([
  ErrorCodes.INVALID_OPTION,
  ErrorCodes.UNKNOWN_OPTION,
  ErrorCodes.UNKNOWN_ALGORITHM,
  ErrorCodes.UNSUPPORTED_ALGORITHM,
]);

/**
 * A store refusing its input: the limiter validated the request first, so this is a bug to
 * surface, never an outage to absorb (and fail open on). Recognised by code, from any copy.
 */
export function isInputError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && INPUT_ERROR_CODES.has((error as { code?: unknown }).code);
}
