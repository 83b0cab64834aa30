// Observability hooks. With no hook set, no event object is built. A hook that throws (or
// returns a rejecting promise) is reported through `onWarning` (default process.emitWarning)
// and never reaches the caller or the event loop.
import { callSafely } from '@sluice/core';

interface EventBase {
  /** The request's origin, e.g. `https://api.example.com`. */
  origin: string;
  /** The pacing partition (the origin unless `partition` says otherwise). */
  partition: string;
  method: string;
  url: string;
  /** 0 for the first try, n for the n-th retry. */
  attempt: number;
}

/** The request was held before sending: by pacing, or by the shared `limiter`. `delayMs`: how long (ms). */
export interface WaitEvent extends EventBase {
  reason: 'pacing' | 'limiter';
  delayMs: number;
}

/** A 429/503 will be retried after `delayMs` (ms), chosen by `reason`. */
export interface RetryEvent extends EventBase {
  reason: 'retry-after' | 'ratelimit-reset' | 'backoff';
  delayMs: number;
  status: number;
}

/** A 429/503 is handed back (or a RetryWaitError thrown) instead of retried. */
export interface GiveUpEvent extends EventBase {
  reason: 'method' | 'body' | 'max-retries' | 'retry-budget' | 'max-delay' | 'time-budget';
  status: number;
  /** The wait the server asked for, when that was the reason (ms). */
  delayMs?: number;
}

export interface ClientHooks {
  onWait?: (event: WaitEvent) => unknown;
  onRetry?: (event: RetryEvent) => unknown;
  onGiveUp?: (event: GiveUpEvent) => unknown;
}

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
