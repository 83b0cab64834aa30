import { ErrorCodes, type ErrorCode, SluiceError } from '@sluice/core';

/**
 * A bad command line, pattern file or log: names the flag (`--policy`, `--log`, ...) in
 * `option` and at the start of the message. Codes: ERR_SLUICE_INVALID_OPTION (a bad value),
 * ERR_SLUICE_UNKNOWN_OPTION (a flag or parameter name the CLI does not know). `sluice` exits
 * with status 2 on it.
 */
export class UsageError extends SluiceError {
  readonly option: string;
  constructor(option: string, message: string, code: ErrorCode = ErrorCodes.INVALID_OPTION, options?: { cause?: unknown }) {
    super(code, `${option}: ${message}`, options);
    this.option = option;
  }
}

/** True for a UsageError from any copy of this package (recognised by shape, not instanceof). */
export function isUsageError(value: unknown): value is UsageError {
  return value instanceof SluiceError && typeof (value as { option?: unknown }).option === 'string';
}

/** The message of any thrown value, for wrapping core's errors in a UsageError. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
