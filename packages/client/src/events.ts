// Observability hooks. With no hook set, no event object is built. A hook that throws (or
// returns a rejecting promise) is reported as a process warning and never reaches the caller
// or the event loop.

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

/** Calls a hook; whatever it throws or rejects with becomes a warning. */
export function callHook<E>(hook: (event: E) => unknown, event: E): void {
  try {
    const result = hook(event);
    if (typeof (result as Promise<unknown> | undefined)?.then === 'function') {
      (result as Promise<unknown>).then(undefined, warnHookFailed);
    }
  } catch (error) {
    warnHookFailed(error);
  }
}

function warnHookFailed(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  process.emitWarning(`A @sluice/client hook threw: ${message}`, { code: 'SLUICE_CLIENT_HOOK_FAILED', detail: error instanceof Error ? error.stack : undefined });
}
