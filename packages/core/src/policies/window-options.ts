import type { Duration } from '../time/duration.js';
import { parseDuration } from '../time/duration.js';
import { assertKnownKeys, assertNonEmptyString, assertPlainObject, assertPositiveInteger } from '../validate.js';
import { POLICY_NAME_PATTERN } from './policy.js';
import { InvalidOptionError } from '../errors.js';

/** A policy's `shadow` option: a boolean, default false. */
export function parseShadow(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new InvalidOptionError('shadow', value, 'a boolean');
  return value;
}

/**
 * Options of `fixedWindow`, `slidingWindow` and `slidingLog`. A bad or unknown option throws
 * InvalidOptionError (ERR_SLUICE_INVALID_OPTION / ERR_SLUICE_UNKNOWN_OPTION) naming it.
 */
export interface WindowPolicyOptions {
  /** Requests (cost units) admitted per window. */
  limit: number;
  /** Window length: milliseconds, or '30s', '1m', '1h', '1d'. */
  window: Duration;
  /** Shown in RateLimit headers and problem bodies. Letters, digits, `_`, `.`, `-`. */
  name?: string;
  /** Shadow mode: evaluated, charged and reported, never denies. Default false. */
  shadow?: boolean;
}

const WINDOW_KEYS = new Set(['limit', 'window', 'name', 'shadow']);

export interface ParsedWindowOptions {
  limit: number;
  windowMs: number;
  name: string | undefined;
  shadow: boolean;
}

export function parseWindowOptions(options: unknown, constructorName: string, maxLimit?: number): ParsedWindowOptions {
  assertPlainObject(options, constructorName);
  assertKnownKeys(options, WINDOW_KEYS, '');
  const limit = assertPositiveInteger(options.limit, 'limit', maxLimit);
  const windowMs = parseDuration(options.window, 'window');
  const name =
    options.name === undefined
      ? undefined
      : assertNonEmptyString(options.name, 'name', POLICY_NAME_PATTERN, 'letters, digits, "_", "." or "-" (1 to 64)');
  return { limit, windowMs, name, shadow: parseShadow(options.shadow) };
}
