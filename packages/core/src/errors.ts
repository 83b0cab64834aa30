/** Stable error codes: match on `error.code`, never on the message. */
export const ErrorCodes = {
  INVALID_OPTION: 'ERR_SLUICE_INVALID_OPTION',
  UNKNOWN_OPTION: 'ERR_SLUICE_UNKNOWN_OPTION',
  UNKNOWN_ALGORITHM: 'ERR_SLUICE_UNKNOWN_ALGORITHM',
  UNSUPPORTED_ALGORITHM: 'ERR_SLUICE_UNSUPPORTED_ALGORITHM',
  STORE: 'ERR_SLUICE_STORE',
  STORE_TIMEOUT: 'ERR_SLUICE_STORE_TIMEOUT',
  STORE_CLOSED: 'ERR_SLUICE_STORE_CLOSED',
  NO_CLIENT_KEY: 'ERR_SLUICE_NO_CLIENT_KEY',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class SluiceError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  if (value !== null && typeof value === 'object') {
    try {
      return JSON.stringify(value) ?? String(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}

/** A bad option, found at construction time. `option` is its dotted path, e.g. `policies[1].limit`. */
export class InvalidOptionError extends SluiceError {
  readonly option: string;
  readonly value: unknown;
  constructor(option: string, value: unknown, expected: string, code: ErrorCode = ErrorCodes.INVALID_OPTION) {
    super(code, `Invalid option \`${option}\`: expected ${expected}, got ${describeValue(value)}.`);
    this.option = option;
    this.value = value;
  }
}

/** A store was given a policy whose algorithm it does not implement. */
export class UnsupportedAlgorithmError extends SluiceError {
  readonly option: string;
  readonly algorithm: string;
  readonly store: string;
  constructor(option: string, algorithm: string, store: string, supported: readonly string[]) {
    super(
      ErrorCodes.UNSUPPORTED_ALGORITHM,
      `Invalid option \`${option}\`: store ${store} does not support the "${algorithm}" algorithm ` +
        `(it supports: ${supported.join(', ') || 'none'}).`,
    );
    this.option = option;
    this.algorithm = algorithm;
    this.store = store;
  }
}

/** A store failed (connection lost, script error, ...). `cause` holds the original error. */
export class StoreError extends SluiceError {
  constructor(message: string, options?: { cause?: unknown; code?: ErrorCode }) {
    super(options?.code ?? ErrorCodes.STORE, message, options);
  }
}

/** The store did not answer within the limiter's `timeoutMs`. */
export class StoreTimeoutError extends StoreError {
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`Store did not answer within ${timeoutMs} ms.`, { code: ErrorCodes.STORE_TIMEOUT });
    this.timeoutMs = timeoutMs;
  }
}

/** Wraps anything a store threw so callers always see a StoreError with the original as `cause`. */
export function toStoreError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const message = error instanceof Error ? error.message : describeValue(error);
  return new StoreError(`Store failed: ${message}`, { cause: error });
}
