// Observability hooks. With no hook set, no event object is built. A hook that throws (or
// returns a rejecting promise) is reported through `onWarning` (default process.emitWarning)
// and never reaches the caller or the event loop.
import { callSafely } from '@sluice/core';

interface EventBase {
  /** The request's origin, e.g. `https://api.example.com`. */
  origin: string;
  /** The pacing partition (the origin unless `partition` says otherwise). */
  partition: string;
  /** The HTTP method, upper case. */
  method: string;
  /** The full request URL. */
  url: string;
  /** 0 for the first try, n for the n-th retry. */
  attempt: number;
}

/** The request was held before sending: by pacing, or by the shared `limiter`. `delayMs`: how long (ms). */
export interface WaitEvent extends EventBase {
  /** What held it: 'pacing' (the server's RateLimit fields) or 'limiter' (the shared Sluice limiter). */
  reason: 'pacing' | 'limiter';
  /** How long it was held, ms. */
  delayMs: number;
}

/** A 429/503 will be retried after `delayMs` (ms), chosen by `reason`. */
export interface RetryEvent extends EventBase {
  /** Where the delay came from: the Retry-After field, the RateLimit field's reset (`t`), or backoff when the server named no wait. */
  reason: 'retry-after' | 'ratelimit-reset' | 'backoff';
  /** The wait before the retry, ms. */
  delayMs: number;
  /** The response's status (429 or 503). */
  status: number;
}

/** A 429/503 is handed back (or a RetryWaitError thrown) instead of retried. */
export interface GiveUpEvent extends EventBase {
  /**
   * Why: 'method' (not retryable by `retry`), 'body' (a stream body cannot be replayed),
   * 'max-retries', 'retry-budget' (the RetryBudget is spent), 'max-delay' (the wait exceeds
   * `maxDelayMs`) or 'time-budget' (it would pass `timeBudgetMs`).
   */
  reason: 'method' | 'body' | 'max-retries' | 'retry-budget' | 'max-delay' | 'time-budget';
  /** The response's status (429 or 503). */
  status: number;
  /** The wait the server asked for, when that was the reason (ms). */
  delayMs?: number;
}

/**
 * Observability hooks of `withRateLimit`. With no hook set no event object is built; a hook
 * that throws or rejects is reported through `onWarning` and never reaches the caller.
 */
export interface ClientHooks {
  /** A request was held before sending (pacing or the shared limiter). */
  onWait?: (event: WaitEvent) => unknown;
  /** A 429/503 will be retried after a delay. */
  onRetry?: (event: RetryEvent) => unknown;
  /** A 429/503 is handed back, or a RetryWaitError thrown, instead of retried. */
  onGiveUp?: (event: GiveUpEvent) => unknown;
}

/** Receives a warning (an Error with code SLUICE_CLIENT_HOOK_FAILED); its result is ignored. */
export type WarningHandler = (warning: Error) => unknown;

/** Code of the warning that reports a failing user function (hook or callback). */
export const CLIENT_HOOK_FAILED = 'SLUICE_CLIENT_HOOK_FAILED';

/**
 * The default `onWarning`: process.emitWarning with the warning's message, name and code
 * (passed as fields, not the Error itself, which Node refuses when made in another realm).
 */
export const emitProcessWarning: WarningHandler = (warning) => {
  const code = (warning as Error & { code?: unknown }).code;
  process.emitWarning(warning.message, { type: warning.name, ...(typeof code === 'string' ? { code } : {}) });
};

function hookWarning(error: unknown, what: string): Error {
  const warning = new Error(`@sluice/client: ${what} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  warning.name = 'SluiceClientWarning';
  (warning as Error & { code: string }).code = CLIENT_HOOK_FAILED;
  return warning;
}

/**
 * Reports a user function's failure (`what` names it) to `onWarning`. If `onWarning` itself
 * throws or rejects, that goes to process.emitWarning instead: nothing reaches the caller or
 * the event loop.
 */
export function reportFailure(onWarning: WarningHandler, error: unknown, what: string): void {
  callSafely(onWarning, hookWarning(error, what), (failure) => emitProcessWarning(hookWarning(failure, 'onWarning')));
}

/** Calls an event hook through core's callSafely; a throw or rejection is reported by `reportFailure`. */
export function callHook<E>(hook: (event: E) => unknown, event: E, onWarning: WarningHandler, what: string): void {
  callSafely(hook, event, (error) => reportFailure(onWarning, error, what));
}
