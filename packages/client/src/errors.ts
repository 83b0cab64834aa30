import { ErrorCodes, SluiceError } from '@sluice/core';

/** Error codes of @sluice/client: match on `error.code`, never on the message. */
export const ClientErrorCodes = {
  RETRY_WAIT_EXCEEDED: ErrorCodes.RETRY_WAIT_EXCEEDED,
} as const;

/** Which bound a wait did not fit in. */
export type WaitBound = 'maxDelayMs' | 'timeBudgetMs';

/**
 * The server (or the pacing state it left) asks for a wait that does not fit: longer than
 * `maxDelayMs`, or past what is left of `timeBudgetMs`. Thrown at once instead of sleeping.
 * `waitMs` is the wait asked for (ms; Infinity when unbounded), `bound` names the option and
 * `limitMs` its value. `response`, when a response asked for the wait (429 or 503), is that
 * response, its body unread. Code ERR_SLUICE_RETRY_WAIT_EXCEEDED.
 */
export class RetryWaitError extends SluiceError {
  readonly waitMs: number;
  readonly bound: WaitBound;
  readonly limitMs: number;
  readonly origin: string;
  readonly response: Response | undefined;
  constructor(waitMs: number, bound: WaitBound, limitMs: number, origin: string, response?: Response) {
    super(
      ErrorCodes.RETRY_WAIT_EXCEEDED,
      `${origin} asks for a wait of ${waitMs === Infinity ? 'an unbounded time' : `${Math.ceil(waitMs)} ms`}, ` +
        `beyond ${bound} (${limitMs} ms).`,
    );
    this.waitMs = waitMs;
    this.bound = bound;
    this.limitMs = limitMs;
    this.origin = origin;
    this.response = response;
  }
}
// Recognised across ESM/CJS copies like core's errors (see core's errors.ts).
Object.defineProperty(RetryWaitError.prototype, Symbol.for('sluice.error'), { value: 'RetryWaitError' });
