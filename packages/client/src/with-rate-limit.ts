import { ErrorCodes, InvalidOptionError, isSluiceError, sleep, type RateLimitWaitError } from '@sluice/core';
import { RetryWaitError, type WaitBound, type WaitDetails } from './errors.js';
import { callHook, type GiveUpEvent } from './events.js';
import { parseRateLimit, type RateLimitInfo } from './headers/parse-rate-limit.js';
import { retryAfterMs } from './headers/retry-after.js';
import { isIdempotent, resolveClientOptions, type OutgoingRequest, type RateLimitClientOptions, type ResolvedClientOptions } from './options.js';
import { Pacer, type PartitionPacer } from './pacing/pacer.js';
import { backoffDelayMs } from './retry/backoff.js';
import { isReplayableBody } from './retry/replay.js';
import { isBoolean, isCost, isNonEmptyString, userValue } from './user-values.js';

/** Node's global fetch (undici) and anything with its signature (ky's and ofetch's `fetch` option). */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * Wraps `fetch` (same signature, same results): requests wait for the server's rate limits
 * instead of collecting 429s, and a 429 (or a 503 with Retry-After) is retried after the wait
 * the server names. Per call, in order:
 * 1. with `limiter`, wait for a slot (`limiter.acquire`): an outbound limit shared by every
 *    process on the limiter's store;
 * 2. with pacing (default), wait until the partition's last RateLimit report lets one more go;
 * 3. send; on 429, or 503 with Retry-After, retry after Retry-After, else the `t` of the
 *    exhausted policy in RateLimit, else exponential backoff with jitter.
 * Resolves with the last response (a 429 too, once retries are over); rejects with
 * RetryWaitError (ERR_SLUICE_RETRY_WAIT_EXCEEDED) when a wait exceeds `maxDelayMs` or the
 * time budget, with the signal's reason when aborted (also while waiting), and with whatever
 * `fetch` throws. A function given in the options that throws or rejects never fails the call
 * (see `onWarning`). Invalid arguments throw InvalidOptionError (ERR_SLUICE_INVALID_OPTION,
 * `option` 'fetch' or the option's name) here; an `input` that is not a URL rejects the call
 * with InvalidOptionError (`option` 'input'), and so does an `init` whose `method` or `signal`
 * is not one (`option` 'init.method', 'init.signal').
 */
export function withRateLimit<F extends FetchLike>(fetchFn: F, options: RateLimitClientOptions = {}): F {
  if (typeof fetchFn !== 'function') throw new InvalidOptionError('fetch', fetchFn, 'a fetch function, e.g. globalThis.fetch');
  const resolved = resolveClientOptions(options);
  const pacer = resolved.pacing ? new Pacer() : undefined;
  const wrapped: FetchLike = (input, init) => send(fetchFn, resolved, pacer, input, init);
  return wrapped as F;
}

function describe(input: string | URL | Request, init: RequestInit | undefined): OutgoingRequest {
  const isRequest = typeof Request !== 'undefined' && input instanceof Request;
  const href = isRequest ? input.url : input instanceof URL ? input.href : String(input);
  if (!URL.canParse(href)) throw new InvalidOptionError('input', input, 'an absolute URL (string or URL) or a Request');
  const url = new URL(href);
  const raw: unknown = init;
  if (raw !== undefined && raw !== null && typeof raw !== 'object') throw new InvalidOptionError('init', raw, 'an object (fetch options)');
  const method: unknown = init?.method ?? (isRequest ? input.method : 'GET');
  if (typeof method !== 'string' || method === '') throw new InvalidOptionError('init.method', method, 'a method name');
  const signal: unknown = init?.signal;
  if (signal !== undefined && signal !== null && !isAbortSignal(signal)) throw new InvalidOptionError('init.signal', signal, 'an AbortSignal');
  return { url, method: method.toUpperCase(), input, init };
}

function isAbortSignal(value: unknown): value is AbortSignal {
  const signal = value as Partial<AbortSignal> | null;
  return typeof signal === 'object' && signal !== null && typeof signal.aborted === 'boolean' && typeof signal.addEventListener === 'function';
}

/** The `t` of the exhausted policy that resets last (ms), if the server reported one. */
function exhaustedResetMs(info: RateLimitInfo | undefined): number | undefined {
  let wait: number | undefined;
  for (const policy of info?.policies ?? []) {
    if (policy.remaining === 0 && policy.resetMs !== undefined && (wait === undefined || policy.resetMs > wait)) wait = policy.resetMs;
  }
  return wait;
}

async function send(
  fetchFn: FetchLike,
  options: ResolvedClientOptions,
  pacer: Pacer | undefined,
  input: string | URL | Request,
  init: RequestInit | undefined,
): Promise<Response> {
  const request = describe(input, init);
  const startMs = Date.now();
  const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined) ?? undefined;
  const origin = request.url.origin;
  const onWarning = options.onWarning;
  const partitionKey = options.partition === undefined ? origin : await userValue(options.partition, request, isNonEmptyString, origin, onWarning, 'partition');
  const pace: PartitionPacer | undefined = pacer?.partition(partitionKey);
  const limiter = options.limiter;
  let limiterKey = '';
  let cost = 1;
  if (limiter !== undefined) {
    const key = options.limiterKey;
    limiterKey = typeof key === 'function' ? await userValue(key, request, isNonEmptyString, partitionKey, onWarning, 'limiterKey') : (key ?? partitionKey);
    if (options.cost !== undefined) cost = await userValue(options.cost, request, isCost, 1, onWarning, 'cost');
  }
  // A Request with a body is cloned for each try, so a retry has an unread copy.
  const cloneInput = input instanceof Request && input.body !== null;
  options.retryBudget?.deposit(startMs);
  const event = (attempt: number) => ({ origin, partition: partitionKey, method: request.method, url: request.url.href, attempt });
  // `leftMs`: what was left of the time budget when the wait began.
  const waitError = (waitMs: number, leftMs: number, details: WaitDetails, response?: Response): RetryWaitError => {
    const bound: WaitBound = options.maxDelayMs <= leftMs ? 'maxDelayMs' : 'timeBudgetMs';
    return new RetryWaitError(waitMs, bound, bound === 'maxDelayMs' ? options.maxDelayMs : options.timeBudgetMs, origin, response, details);
  };
  let previousBackoffMs = options.baseMs;

  for (let attempt = 0; ; attempt++) {
    let leftMs = options.timeBudgetMs - (Date.now() - startMs);
    let maxWaitMs = Math.max(0, Math.min(options.maxDelayMs, leftMs));
    if (limiter !== undefined) {
      const waitStart = Date.now();
      try {
        await limiter.acquire(limiterKey, { cost, maxWaitMs, signal });
      } catch (error) {
        if (isSluiceError(error, ErrorCodes.WAIT_EXCEEDED)) {
          const wait = waitError((error as RateLimitWaitError).retryAfterMs, leftMs, { source: 'limiter', waitedMs: Date.now() - waitStart });
          (wait as { cause?: unknown }).cause = error;
          throw wait;
        }
        throw error;
      }
      if (options.onWait !== undefined) callHook(options.onWait, { ...event(attempt), reason: 'limiter', delayMs: Date.now() - waitStart }, onWarning, 'onWait');
      // The pacing wait has what the limiter wait left.
      leftMs = options.timeBudgetMs - (Date.now() - startMs);
      maxWaitMs = Math.max(0, Math.min(options.maxDelayMs, leftMs));
    }
    if (pace !== undefined) {
      const waitStart = Date.now();
      const left = leftMs;
      const queued = await pace.acquire(maxWaitMs, signal, (waitMs, waitedMs, ahead) => waitError(waitMs, left, { source: 'pacing', waitedMs, ahead }));
      const waited = Date.now() - waitStart;
      // Only a request that was held gets the event (not one that went at once across a ms tick).
      if (options.onWait !== undefined && queued) callHook(options.onWait, { ...event(attempt), reason: 'pacing', delayMs: waited }, onWarning, 'onWait');
    }
    let response: Response;
    try {
      response = await fetchFn(cloneInput ? (input as Request).clone() : input, init);
    } catch (error) {
      pace?.abandon();
      throw error;
    }
    const status = response.status;
    const nowMs = Date.now();
    const limited = status === 429 || status === 503;
    const retryAfter = limited ? retryAfterMs(response, nowMs) : undefined;
    const info = pace !== undefined || status === 429 ? parseRateLimit(response.headers, nowMs) : undefined;
    pace?.record(info, status === 429, retryAfter);
    if (status !== 429 && !(status === 503 && retryAfter !== undefined)) return response;

    let delayMs: number;
    let reason: 'retry-after' | 'ratelimit-reset' | 'backoff';
    const resetMs = exhaustedResetMs(info);
    if (retryAfter !== undefined) {
      delayMs = retryAfter;
      reason = 'retry-after';
    } else if (resetMs !== undefined) {
      delayMs = resetMs;
      reason = 'ratelimit-reset';
    } else {
      delayMs = backoffDelayMs(attempt, previousBackoffMs, options.baseMs, options.capMs, options.jitter);
      previousBackoffMs = delayMs;
      reason = 'backoff';
    }
    const giveUp = (why: GiveUpEvent['reason']): void => {
      if (options.onGiveUp !== undefined) callHook(options.onGiveUp, { ...event(attempt), reason: why, status, delayMs }, onWarning, 'onGiveUp');
    };
    const retryable = options.retry === undefined ? isIdempotent(request) : await userValue(options.retry, request, isBoolean, isIdempotent(request), onWarning, 'retry');
    if (!retryable) return giveUp('method'), response;
    if (!isReplayableBody(init?.body)) return giveUp('body'), response;
    if (attempt >= options.maxRetries) return giveUp('max-retries'), response;
    if (delayMs > options.maxDelayMs) {
      giveUp('max-delay');
      throw waitError(delayMs, options.timeBudgetMs - (Date.now() - startMs), { source: 'retry' }, response);
    }
    if (Date.now() - startMs + delayMs > options.timeBudgetMs) {
      giveUp('time-budget');
      throw new RetryWaitError(delayMs, 'timeBudgetMs', options.timeBudgetMs, origin, response, { source: 'retry' });
    }
    if (options.retryBudget !== undefined && !options.retryBudget.tryWithdraw()) return giveUp('retry-budget'), response;
    // Free the connection: this response's body will not be read.
    await response.body?.cancel().catch(() => undefined);
    if (options.onRetry !== undefined) callHook(options.onRetry, { ...event(attempt + 1), reason, delayMs, status }, onWarning, 'onRetry');
    await sleep(delayMs, signal);
  }
}
