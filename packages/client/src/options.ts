import { assertKnownKeys, assertPlainObject, InvalidOptionError, isLimiter, type Limiter } from '@sluice/core';
import { emitProcessWarning, type ClientHooks, type WarningHandler } from './events.js';
import { type BackoffOptions, type Jitter } from './retry/backoff.js';
import { IDEMPOTENT_METHODS } from './retry/replay.js';
import { RetryBudget, type RetryBudgetOptions } from './retry/retry-budget.js';

/** The request as the options' callbacks see it. */
export interface OutgoingRequest {
  /** The parsed request URL. */
  url: URL;
  /** Upper case. */
  method: string;
  /** What was passed to fetch. */
  input: string | URL | Request;
  /** The init object passed to fetch, if any. */
  init: RequestInit | undefined;
}

/**
 * Options of `withRateLimit(fetch, options)`; every one is optional. Unknown keys and bad
 * values throw InvalidOptionError (ERR_SLUICE_INVALID_OPTION / ERR_SLUICE_UNKNOWN_OPTION)
 * naming the option, when withRateLimit is called.
 */
export interface RateLimitClientOptions extends ClientHooks {
  /** Retries of one call, at most (an integer >= 0). Default 3. */
  maxRetries?: number;
  /**
   * The longest single wait (a retry delay or a pacing hold), ms. A server asking for more
   * fails the call at once with RetryWaitError (ERR_SLUICE_RETRY_WAIT_EXCEEDED). Default 60_000.
   */
  maxDelayMs?: number;
  /** The whole call, waits and retries included, ms; a wait that would pass it fails fast likewise. Default 300_000. */
  timeBudgetMs?: number;
  /** Backoff when the server names no wait. Defaults: baseMs 100, capMs 20_000, jitter 'full'. */
  backoff?: BackoffOptions;
  /**
   * Which requests may be retried: methods (default the idempotent ones of RFC 9110: GET, HEAD,
   * OPTIONS, TRACE, PUT, DELETE) or a predicate, e.g. POSTs that carry an Idempotency-Key.
   * A request whose body is a stream is never retried.
   */
  retry?: readonly string[] | ((request: OutgoingRequest) => boolean | PromiseLike<boolean>);
  /** Hold requests by what the server's RateLimit fields said (default true). */
  pacing?: boolean;
  /** The pacing partition of a request (a string, or a promise of one). Default: its origin. */
  partition?: (request: OutgoingRequest) => string | PromiseLike<string>;
  /** A Sluice limiter (any store) each request waits on before it is sent: an outbound limit shared by every process on the store. */
  limiter?: Limiter;
  /** The limiter key: a non-empty string, or a function returning one (or a promise of one). Default: the partition. */
  limiterKey?: string | ((request: OutgoingRequest) => string | PromiseLike<string>);
  /** The limiter cost of a request (e.g. tokens for an LLM API): an integer >= 1, or a promise of one. Default 1. */
  cost?: (request: OutgoingRequest) => number | PromiseLike<number>;
  /** Caps retries at a share of recent requests: a RetryBudget (shareable) or its options. Default: none. */
  retryBudget?: RetryBudget | RetryBudgetOptions;
  /**
   * Receives the failure of any function given in these options (code SLUICE_CLIENT_HOOK_FAILED):
   * a hook (`onWait`, `onRetry`, `onGiveUp`) that throws or rejects, or a `partition`,
   * `limiterKey`, `cost` or `retry` function that throws, rejects or returns an invalid value
   * (that request then goes on with the default). If `onWarning` throws or rejects itself, the
   * failure goes to process.emitWarning. Nothing reaches the caller's fetch or the event loop.
   * Default process.emitWarning.
   */
  onWarning?: WarningHandler;
}

export interface ResolvedClientOptions extends ClientHooks {
  maxRetries: number;
  maxDelayMs: number;
  timeBudgetMs: number;
  baseMs: number;
  capMs: number;
  jitter: Jitter;
  /** Undefined: the default methods. */
  retry: ((request: OutgoingRequest) => unknown) | undefined;
  pacing: boolean;
  partition: ((request: OutgoingRequest) => unknown) | undefined;
  limiter: Limiter | undefined;
  limiterKey: ((request: OutgoingRequest) => unknown) | string | undefined;
  cost: ((request: OutgoingRequest) => unknown) | undefined;
  retryBudget: RetryBudget | undefined;
  onWarning: WarningHandler;
}

const OPTION_KEYS = new Set([
  'maxRetries', 'maxDelayMs', 'timeBudgetMs', 'backoff', 'retry', 'pacing', 'partition',
  'limiter', 'limiterKey', 'cost', 'retryBudget', 'onWait', 'onRetry', 'onGiveUp', 'onWarning',
]);
const BACKOFF_KEYS = new Set(['baseMs', 'capMs', 'jitter']);

function nonNegativeInteger(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidOptionError(option, value, 'an integer >= 0');
  }
  return value;
}

function positiveMs(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) throw new InvalidOptionError(option, value, 'a number of ms above 0 (Infinity allowed)');
  return value;
}

function optionalFunction<T>(value: unknown, option: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw new InvalidOptionError(option, value, 'a function');
  return value as T;
}

/** Validates every option once, with the option's name in each error (ERR_SLUICE_INVALID_OPTION / _UNKNOWN_OPTION). */
export function resolveClientOptions(options: RateLimitClientOptions): ResolvedClientOptions {
  // Asserted through untyped aliases so `options` keeps its declared type.
  const raw: unknown = options;
  assertPlainObject(raw, 'options');
  assertKnownKeys(raw, OPTION_KEYS, '');
  const backoff: BackoffOptions = options.backoff ?? {};
  const rawBackoff: unknown = backoff;
  assertPlainObject(rawBackoff, 'backoff');
  assertKnownKeys(backoff, BACKOFF_KEYS, 'backoff');
  const jitter = backoff.jitter ?? 'full';
  if (jitter !== 'full' && jitter !== 'decorrelated') throw new InvalidOptionError('backoff.jitter', jitter, "'full' or 'decorrelated'");
  const baseMs = positiveMs(backoff.baseMs, 'backoff.baseMs', 100);
  const capMs = positiveMs(backoff.capMs, 'backoff.capMs', 20_000);
  if (!Number.isFinite(baseMs)) throw new InvalidOptionError('backoff.baseMs', baseMs, 'a finite number of ms');
  if (options.pacing !== undefined && typeof options.pacing !== 'boolean') throw new InvalidOptionError('pacing', options.pacing, 'a boolean');
  if (options.limiter !== undefined && !isLimiter(options.limiter)) throw new InvalidOptionError('limiter', options.limiter, 'a limiter from createLimiter()');
  const limiterKey = options.limiterKey;
  if (limiterKey !== undefined && typeof limiterKey !== 'function' && (typeof limiterKey !== 'string' || limiterKey === '')) {
    throw new InvalidOptionError('limiterKey', limiterKey, 'a non-empty string or a function');
  }
  const budget = options.retryBudget;
  return {
    maxRetries: nonNegativeInteger(options.maxRetries, 'maxRetries', 3),
    maxDelayMs: positiveMs(options.maxDelayMs, 'maxDelayMs', 60_000),
    timeBudgetMs: positiveMs(options.timeBudgetMs, 'timeBudgetMs', 300_000),
    baseMs,
    capMs,
    jitter,
    retry: retryPredicate(options.retry),
    pacing: options.pacing ?? true,
    partition: optionalFunction(options.partition, 'partition'),
    limiter: options.limiter,
    limiterKey,
    cost: optionalFunction(options.cost, 'cost'),
    retryBudget: budget === undefined || budget instanceof RetryBudget ? budget : new RetryBudget(budget),
    onWait: optionalFunction(options.onWait, 'onWait'),
    onRetry: optionalFunction(options.onRetry, 'onRetry'),
    onGiveUp: optionalFunction(options.onGiveUp, 'onGiveUp'),
    onWarning: optionalFunction(options.onWarning, 'onWarning') ?? emitProcessWarning,
  };
}

/** The default `retry`: the idempotent methods. */
export const isIdempotent = (request: OutgoingRequest): boolean => IDEMPOTENT_METHODS.includes(request.method);

function retryPredicate(retry: RateLimitClientOptions['retry']): ((request: OutgoingRequest) => unknown) | undefined {
  if (retry === undefined) return undefined;
  if (typeof retry === 'function') return retry;
  if (!Array.isArray(retry) || !retry.every((method) => typeof method === 'string' && method !== '')) {
    throw new InvalidOptionError('retry', retry, 'an array of method names or a function');
  }
  const methods = retry.map((method: string) => method.toUpperCase());
  return (request) => methods.includes(request.method);
}
