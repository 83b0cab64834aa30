import { ErrorCodes, SluiceError } from '@sluice/core';

/** Error codes of @sluice/client: match on `error.code`, never on the message. */
export const ClientErrorCodes = {
  /** `'ERR_SLUICE_RETRY_WAIT_EXCEEDED'`: a wait does not fit `maxDelayMs` or `timeBudgetMs` (RetryWaitError). */
  RETRY_WAIT_EXCEEDED: ErrorCodes.RETRY_WAIT_EXCEEDED,
} as const;

/** Which bound a wait did not fit in. */
export type WaitBound = 'maxDelayMs' | 'timeBudgetMs';

/**
 * What asked for the wait: `retry`, a 429/503 (its Retry-After, RateLimit `t` or backoff);
 * `pacing`, the partition's pacing queue (the caller's place in it times the pace, after any
 * hold the server asked for); `limiter`, the shared `limiter`.
 */
export type WaitSource = 'retry' | 'pacing' | 'limiter';

/** The optional last argument of RetryWaitError's constructor: what asked for the wait and how far it got. */
export interface WaitDetails {
  /** What asked for the wait. Default 'retry'. */
  source: WaitSource;
  /** How long the call had already waited for this turn when it gave up, ms. Default 0 (failed fast). */
  waitedMs?: number;
  /** Pacing: requests queued ahead of this one when it was refused. */
  ahead?: number;
}

const ms = (value: number): string => (value === Infinity ? 'an unbounded time' : `${Math.ceil(value)} ms`);

function describeWait(waitMs: number, bound: WaitBound, limitMs: number, origin: string, details: Required<WaitDetails>): string {
  const beyond = bound === 'maxDelayMs' ? `beyond maxDelayMs (${limitMs} ms)` : `past the call's timeBudgetMs (${limitMs} ms)`;
  const gaveUp = details.waitedMs > 0 ? ` Gave up after ${ms(details.waitedMs)} in the queue.` : ' Failed at once, nothing sent for it.';
  switch (details.source) {
    case 'pacing':
      return `${origin}: pacing would hold this request ${ms(waitMs)} in all (${details.ahead} queued ahead of it), ${beyond}.${gaveUp}`;
    case 'limiter':
      return `${origin}: the shared limiter asks for a wait of ${ms(waitMs)}, ${beyond}.${gaveUp}`;
    default:
      return `${origin} asks for a wait of ${ms(waitMs)} before a retry, ${beyond}.${gaveUp}`;
  }
}

/**
 * A wait does not fit: longer than `maxDelayMs`, or past what is left of `timeBudgetMs`.
 * Thrown as soon as that is known instead of sleeping. Fields:
 * - `waitMs`: the whole wait this turn needs, ms, counted from when the wait began (for
 *   pacing, from when the request was queued; Infinity when unbounded);
 * - `waitedMs`: how much of it had already passed when the call gave up (0: failed fast);
 * - `source`: 'retry' | 'pacing' | 'limiter', what asked for the wait;
 * - `ahead`: for pacing, how many requests were queued ahead of this one (else 0);
 * - `bound` names the option and `limitMs` its value;
 * - `response`: when a 429/503 asked for the wait, that response, its body unread.
 * Code ERR_SLUICE_RETRY_WAIT_EXCEEDED.
 */
export class RetryWaitError extends SluiceError {
  /** The whole wait this turn needs, ms, counted from when the wait began (Infinity when unbounded). */
  readonly waitMs: number;
  /** How much of the wait had passed when the call gave up, ms (0: failed fast, nothing sent for it). */
  readonly waitedMs: number;
  /** What asked for the wait: 'retry' (a 429/503), 'pacing' or 'limiter'. */
  readonly source: WaitSource;
  /** Pacing: requests queued ahead of this one when it was refused; else 0. */
  readonly ahead: number;
  /** The option the wait did not fit: 'maxDelayMs' or 'timeBudgetMs'. */
  readonly bound: WaitBound;
  /** That option's value, ms. */
  readonly limitMs: number;
  /** The request's origin, e.g. `https://api.example.com`. */
  readonly origin: string;
  /** The 429/503 response that asked for the wait (its body unread); undefined for pacing and limiter waits. */
  readonly response: Response | undefined;
  constructor(waitMs: number, bound: WaitBound, limitMs: number, origin: string, response?: Response, details: WaitDetails = { source: 'retry' }) {
    const full = { source: details.source, waitedMs: details.waitedMs ?? 0, ahead: details.ahead ?? 0 };
    super(ErrorCodes.RETRY_WAIT_EXCEEDED, describeWait(waitMs, bound, limitMs, origin, full));
    this.waitMs = waitMs;
    this.waitedMs = full.waitedMs;
    this.source = full.source;
    this.ahead = full.ahead;
    this.bound = bound;
    this.limitMs = limitMs;
    this.origin = origin;
    this.response = response;
  }
}
// Recognised across ESM/CJS copies like core's errors (see core's errors.ts).
Object.defineProperty(RetryWaitError.prototype, Symbol.for('sluice.error'), { value: 'RetryWaitError' });
