import { ErrorCodes, type ErrorCode, SluiceError } from '@sluice/core';

/**
 * A bad command line, pattern file or log: names the flag (`--policy`, `--log`, ...) in
 * `option` and at the start of the message. Codes: ERR_SLUICE_INVALID_OPTION (a bad value),
 * ERR_SLUICE_UNKNOWN_OPTION (a flag or parameter name the CLI does not know). `sluice` exits
 * with status 2 on it.
 */
export class UsageError extends SluiceError {
  /** The flag (`--policy`, `--log`, ...) or parameter at fault; also the message's start. */
  readonly option: string;
  constructor(option: string, message: string, code: ErrorCode = ErrorCodes.INVALID_OPTION, options?: { cause?: unknown }) {
    super(code, `${option}: ${message}`, options);
    this.option = option;
  }
}

// A registry symbol on the prototype, so a UsageError from another copy of this package (ESM
// beside CJS) is recognised too, and core's InvalidOptionError (which also has `option`) is not.
const USAGE_BRAND = Symbol.for('sluice.cli.usageError');
Object.defineProperty(UsageError.prototype, USAGE_BRAND, { value: true });

/** True for a UsageError from any copy of this package. */
export function isUsageError(value: unknown): value is UsageError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[USAGE_BRAND] === true;
}

/** The message of any thrown value, for wrapping core's errors in a UsageError. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
