import { ErrorCodes, InvalidOptionError } from './errors.js';

// Named validations, each throwing InvalidOptionError with the option's path.

/** True for `{...}` and Object.create(null) objects: not arrays, class instances or null. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Throws InvalidOptionError (ERR_SLUICE_INVALID_OPTION) naming `option` unless `value` is a plain object. */
export function assertPlainObject(value: unknown, option: string): asserts value is Record<string, unknown> {
  if (!isPlainObject(value)) throw new InvalidOptionError(option, value, 'an options object');
}

/**
 * Throws InvalidOptionError with ERR_SLUICE_UNKNOWN_OPTION, naming `<path>.<key>` (or `key`
 * when `path` is ''), for the first key of `options` not in `known`.
 */
export function assertKnownKeys(options: object, known: ReadonlySet<string>, path: string): void {
  for (const key of Object.keys(options)) {
    if (!known.has(key)) {
      const option = path ? `${path}.${key}` : key;
      throw new InvalidOptionError(
        option,
        (options as Record<string, unknown>)[key],
        `one of the known options (${[...known].join(', ')})`,
        ErrorCodes.UNKNOWN_OPTION,
      );
    }
  }
}

/** Returns `value` if it is an integer from 1 to `max`; else throws InvalidOptionError (ERR_SLUICE_INVALID_OPTION) naming `option`. */
export function assertPositiveInteger(value: unknown, option: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new InvalidOptionError(option, value, `an integer from 1 to ${max}`);
  }
  return value;
}

/** An optional positive integer: only `undefined` means absent (the default); `null`, NaN etc. are bad values. */
export function optionalPositiveInteger(value: unknown, option: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  return value === undefined ? fallback : assertPositiveInteger(value, option, max);
}

export function assertPositiveNumber(value: unknown, option: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max) {
    throw new InvalidOptionError(option, value, `a finite number above 0 and at most ${max}`);
  }
  return value;
}

/**
 * Returns `value` if it is a non-empty string matching `pattern` (when given); else throws
 * InvalidOptionError (ERR_SLUICE_INVALID_OPTION) naming `option`, saying `expected`.
 */
export function assertNonEmptyString(value: unknown, option: string, pattern?: RegExp, expected?: string): string {
  if (typeof value !== 'string' || value.length === 0 || (pattern !== undefined && !pattern.test(value))) {
    throw new InvalidOptionError(option, value, expected ?? 'a non-empty string');
  }
  return value;
}
