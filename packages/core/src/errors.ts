import type { Decision } from './limiter/decision.js';

/** Stable error codes: match on `error.code`, never on the message. */
export const ErrorCodes = {
  /** InvalidOptionError: a bad option value (at construction) or per-call argument (`cost`, `key`, `nowMs`, ...). */
  INVALID_OPTION: 'ERR_SLUICE_INVALID_OPTION',
  /** InvalidOptionError: an option or parameter name Sluice does not know (a typo). */
  UNKNOWN_OPTION: 'ERR_SLUICE_UNKNOWN_OPTION',
  /** InvalidOptionError: a policy whose `algorithm` is not one of ALL_ALGORITHMS. */
  UNKNOWN_ALGORITHM: 'ERR_SLUICE_UNKNOWN_ALGORITHM',
  /** UnsupportedAlgorithmError: the store does not implement a policy's algorithm (createLimiter refuses it). */
  UNSUPPORTED_ALGORITHM: 'ERR_SLUICE_UNSUPPORTED_ALGORITHM',
  /** StoreError: the store failed (connection lost, script or SQL error); `cause` holds the original. */
  STORE: 'ERR_SLUICE_STORE',
  /** StoreTimeoutError: the store did not answer within the limiter's `timeoutMs`. */
  STORE_TIMEOUT: 'ERR_SLUICE_STORE_TIMEOUT',
  /** StoreError: the store was used after `close()`. */
  STORE_CLOSED: 'ERR_SLUICE_STORE_CLOSED',
  /** SluiceError: a request has no client key (e.g. its socket closed before the limiter ran); handed to the framework's error handling. */
  NO_CLIENT_KEY: 'ERR_SLUICE_NO_CLIENT_KEY',
  /** RateLimitWaitError: `limiter.acquire()` would have to wait longer than `maxWaitMs`. */
  WAIT_EXCEEDED: 'ERR_SLUICE_WAIT_EXCEEDED',
  /** @sluice/client's RetryWaitError: a server or limiter asks for a wait beyond maxDelayMs or the time budget. */
  RETRY_WAIT_EXCEEDED: 'ERR_SLUICE_RETRY_WAIT_EXCEEDED',
} as const;

/** One of the ErrorCodes values, e.g. 'ERR_SLUICE_INVALID_OPTION'. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * Each Sluice error class marks its prototype with this registry symbol and a kind name, so
 * an error made by the ESM copy of `@sluice/core` is recognised by the CommonJS copy (and by
 * another installed version) where a plain `instanceof` would compare two unrelated classes.
 */
const KIND = Symbol.for('sluice.error');
const ordinaryHasInstance = Function.prototype[Symbol.hasInstance];

function hasKind(value: unknown, kind: unknown): boolean {
  if (typeof value !== 'object' || value === null || typeof kind !== 'string') return false;
  for (let proto = Object.getPrototypeOf(value); proto !== null; proto = Object.getPrototypeOf(proto)) {
    if (Object.hasOwn(proto, KIND) && proto[KIND] === kind) return true;
  }
  return false;
}

function markKind(errorClass: { prototype: object }, kind: string): void {
  Object.defineProperty(errorClass.prototype, KIND, { value: kind });
}

/**
 * The base of every error Sluice throws. Match on `code` (or use isSluiceError), never on the
 * message; `instanceof` works across the ESM and CJS copies of the package.
 */
export class SluiceError extends Error {
  /** The stable error code (see ErrorCodes). */
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }

  /**
   * `err instanceof StoreError` holds for a StoreError from any copy of `@sluice/core`
   * (ESM and CJS builds loaded side by side). A subclass of your own that sets no kind keeps
   * the ordinary prototype check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (ordinaryHasInstance.call(this, value)) return true;
    const proto = (this as { prototype?: unknown }).prototype as Record<symbol, unknown> | undefined;
    return proto !== undefined && Object.hasOwn(proto, KIND) && hasKind(value, proto[KIND]);
  }
}
markKind(SluiceError, 'SluiceError');

/**
 * True when `value` is an error thrown by any copy of Sluice (optionally with this `code`).
 * Prefer it to `instanceof` in code that may receive errors from another copy of the package.
 */
export function isSluiceError(value: unknown, code?: string): value is SluiceError {
  return hasKind(value, 'SluiceError') && (code === undefined || (value as SluiceError).code === code);
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

/**
 * A bad option: at construction, or a bad per-call argument (`cost`, `key`, `nowMs`, ...).
 * `option` is its dotted path, e.g. `policies[1].limit`; `value` holds what was given.
 * Codes: ERR_SLUICE_INVALID_OPTION, ERR_SLUICE_UNKNOWN_OPTION (a name Sluice does not know),
 * ERR_SLUICE_UNKNOWN_ALGORITHM.
 */
export class InvalidOptionError extends SluiceError {
  /** The option's dotted path, e.g. `policies[1].limit`. */
  readonly option: string;
  /** The value that was given. */
  readonly value: unknown;
  constructor(option: string, value: unknown, expected: string, code: ErrorCode = ErrorCodes.INVALID_OPTION) {
    super(code, `Invalid option \`${option}\`: expected ${expected}, got ${describeValue(value)}.`);
    this.option = option;
    this.value = value;
  }
}
markKind(InvalidOptionError, 'InvalidOptionError');

/** A store was given a policy whose algorithm it does not implement. */
export class UnsupportedAlgorithmError extends SluiceError {
  /** The policy's path, e.g. `policies[0]`. */
  readonly option: string;
  /** The algorithm the store lacks, e.g. 'sliding-log'. */
  readonly algorithm: string;
  /** Which store: the option that holds it and its constructor name, e.g. `store (RedisStore)`. */
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
markKind(UnsupportedAlgorithmError, 'UnsupportedAlgorithmError');

/** Options of `new StoreError(message, options)`. */
export interface StoreErrorOptions {
  /** The original error (the driver's). */
  cause?: unknown;
  /** Default ERR_SLUICE_STORE. */
  code?: ErrorCode;
  /**
   * True when the failure can only be a setup mistake (wrong password, missing table or
   * permission, pooler/prepared-statement mismatch): retrying cannot help. The limiter then
   * warns once (SLUICE_STORE_MISCONFIGURED). Default false.
   */
  configuration?: boolean;
}

/** A store failed (connection lost, script error, ...). `cause` holds the original error. */
export class StoreError extends SluiceError {
  /** See StoreErrorOptions.configuration. */
  readonly configuration: boolean;
  constructor(message: string, options?: StoreErrorOptions) {
    super(options?.code ?? ErrorCodes.STORE, message, options);
    this.configuration = options?.configuration === true;
  }
}
markKind(StoreError, 'StoreError');

/** The store did not answer within the limiter's `timeoutMs`. */
export class StoreTimeoutError extends StoreError {
  /** The limiter's `timeoutMs` the store exceeded, ms. */
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`Store did not answer within ${timeoutMs} ms.`, { code: ErrorCodes.STORE_TIMEOUT });
    this.timeoutMs = timeoutMs;
  }
}
markKind(StoreTimeoutError, 'StoreTimeoutError');

/**
 * `limiter.acquire()` gave up without waiting: the wait the decision asks for
 * (`retryAfterMs`, ms; Infinity when no retry can ever pass) does not fit in what is left of
 * `maxWaitMs`. `decision` is the denying (or too-long-holding) decision.
 * Code ERR_SLUICE_WAIT_EXCEEDED.
 */
export class RateLimitWaitError extends SluiceError {
  /** The denying (or too-long-holding) decision. */
  readonly decision: Decision;
  /** The wait it asks for, ms; Infinity when no retry can ever pass (the cost exceeds the capacity). */
  readonly retryAfterMs: number;
  /** The `maxWaitMs` given to acquire, ms. */
  readonly maxWaitMs: number;
  constructor(decision: Decision, retryAfterMs: number, maxWaitMs: number) {
    super(
      ErrorCodes.WAIT_EXCEEDED,
      `Rate limited by policy "${decision.policy}": the next admission is ` +
        `${retryAfterMs === Infinity ? 'never (the cost exceeds the capacity)' : `${retryAfterMs} ms away`}, ` +
        `beyond the wait allowed (maxWaitMs ${maxWaitMs}).`,
    );
    this.decision = decision;
    this.retryAfterMs = retryAfterMs;
    this.maxWaitMs = maxWaitMs;
  }
}
markKind(RateLimitWaitError, 'RateLimitWaitError');

/** How a store names and classifies the failures it wraps (see toStoreError). */
export interface StoreErrorWrapping {
  /** Starts the message, e.g. 'RedisStore' gives `RedisStore: <cause message>`. Default 'Store failed'. */
  store?: string;
  /** True when only a setup mistake explains this failure (StoreError.configuration). Default: never. */
  configuration?: (error: unknown) => boolean;
  /** Appended verbatim to the message (advice such as ' (check the credentials)'); '' for none. */
  hint?: (error: unknown, configuration: boolean) => string;
}

/**
 * Wraps anything a store threw so callers always see a StoreError with the original as
 * `cause`; a StoreError (of any copy of Sluice) passes through unchanged.
 */
export function toStoreError(error: unknown, wrapping?: StoreErrorWrapping): StoreError {
  if (error instanceof StoreError) return error;
  const message = error instanceof Error ? error.message : describeValue(error);
  if (wrapping === undefined) return new StoreError(`Store failed: ${message}`, { cause: error });
  const configuration = wrapping.configuration?.(error) === true;
  const hint = wrapping.hint?.(error, configuration) ?? '';
  return new StoreError(`${wrapping.store ?? 'Store failed'}: ${message}${hint}`, { cause: error, configuration });
}
