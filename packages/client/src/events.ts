// Observability hooks. With no hook set, no event object is built. A hook that throws (or
// returns a rejecting promise) is reported through `onWarning` (default process.emitWarning)
// and never reaches the caller or the event loop.

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
  onWait?: (event: WaitEvent) => void;
  onRetry?: (event: RetryEvent) => void;
  onGiveUp?: (event: GiveUpEvent) => void;
}

export type WarningHandler = (warning: Error) => void;

/** The default `onWarning`. */
export const emitProcessWarning: WarningHandler = (warning) => process.emitWarning(warning);

/** Calls a hook; whatever it throws or rejects with goes to `onWarning` as a SLUICE_CLIENT_HOOK_FAILED warning. */
export function callHook<E>(hook: (event: E) => unknown, event: E, onWarning: WarningHandler): void {
  const fail = (error: unknown): void => {
    const warning = new Error(`A @sluice/client hook threw: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    warning.name = 'SluiceClientWarning';
    (warning as Error & { code: string }).code = 'SLUICE_CLIENT_HOOK_FAILED';
    try {
      onWarning(warning);
    } catch {
      // A throwing warning handler has nowhere left to report to.
    }
  };
  try {
    const result = hook(event);
    if (typeof (result as Promise<unknown> | undefined)?.then === 'function') (result as Promise<unknown>).then(undefined, fail);
  } catch (error) {
    fail(error);
  }
}
