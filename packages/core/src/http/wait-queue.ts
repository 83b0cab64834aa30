import type { EventEmitter } from 'node:events';
import { InvalidOptionError, isSluiceError, ErrorCodes, type RateLimitWaitError } from '../errors.js';
import type { Decision } from '../limiter/decision.js';
import type { Limiter } from '../limiter/limiter.js';
import { MAX_TIMER_MS, sleep } from '../time/timers.js';
import { assertKnownKeys, assertPlainObject, optionalPositiveInteger } from '../validate.js';
import type { HttpFramework } from './framework.js';
import { clientGone } from './hold.js';

/** The adapter option `wait`: queue a denied request for its turn instead of refusing it. */
export interface WaitOptions {
  /** Longest a request waits for its turn (ms, integer 1..2^31-1). Required. */
  maxWaitMs: number;
  /** Requests waiting at once in this middleware, all keys together. Default 1000. */
  maxWaiting?: number;
  /** Requests waiting at once per client key. Default 10. */
  maxWaitingPerKey?: number;
}

/** Default `wait.maxWaiting`: requests waiting at once per middleware. */
export const DEFAULT_MAX_WAITING = 1_000;
/** Default `wait.maxWaitingPerKey`: requests waiting at once per client key. */
export const DEFAULT_MAX_WAITING_PER_KEY = 10;
const KEYS = new Set(['maxWaitMs', 'maxWaiting', 'maxWaitingPerKey']);

/** Why a waiting request stopped waiting without a decision: its client went away. */
const CLIENT_GONE = 'client-gone';

/**
 * Server-side waiting (the adapter option `wait`): a request the limiter denies, whose
 * Retry-After fits in `maxWaitMs`, waits for its turn with `limiter.acquire` instead of getting
 * 429, as long as fewer than `maxWaiting` requests (and `maxWaitingPerKey` of its key) wait
 * already; otherwise it is refused at once. A waiting request whose client goes away (the
 * response's 'close') leaves the queue. `size` is the number waiting now.
 * Note: each retry acquire makes is a consume; a denied one counts as a penalty strike.
 */
export class WaitQueue {
  private total = 0;
  private readonly perKey = new Map<string, number>();

  private constructor(
    /** Longest a request waits for its turn, ms. */
    readonly maxWaitMs: number,
    /** Requests waiting at once, all keys together. */
    readonly maxWaiting: number,
    /** Requests waiting at once per client key. */
    readonly maxWaitingPerKey: number,
  ) {}

  /** The queue for the option's value, or undefined without one. Throws InvalidOptionError naming `wait.<option>`. */
  static of(value: unknown): WaitQueue | undefined {
    if (value === undefined || value === false) return undefined;
    assertPlainObject(value, 'wait');
    assertKnownKeys(value, KEYS, 'wait');
    const maxWaitMs = value.maxWaitMs;
    if (typeof maxWaitMs !== 'number' || !Number.isInteger(maxWaitMs) || maxWaitMs < 1 || maxWaitMs > MAX_TIMER_MS) {
      throw new InvalidOptionError('wait.maxWaitMs', maxWaitMs, `an integer from 1 to ${MAX_TIMER_MS} (ms)`);
    }
    return new WaitQueue(
      maxWaitMs,
      optionalPositiveInteger(value.maxWaiting, 'wait.maxWaiting', DEFAULT_MAX_WAITING),
      optionalPositiveInteger(value.maxWaitingPerKey, 'wait.maxWaitingPerKey', DEFAULT_MAX_WAITING_PER_KEY),
    );
  }

  /** Requests waiting now. */
  get size(): number {
    return this.total;
  }

  /** Requests of `key` waiting now. */
  waitingFor(key: string): number {
    return this.perKey.get(key) ?? 0;
  }

  /**
   * Queues the request denied by `denial` when its wait fits and the queue has room: resolves
   * to the decision once admitted (or the denial that ended the wait), or undefined when the
   * client went away. Returns undefined (refuse at once) otherwise. Rejects only with what the
   * store layer throws for bad input.
   */
  enqueue<Req, Res, Next, OnLimited>(
    framework: HttpFramework<Req, Res, Next, OnLimited>,
    req: Req,
    res: Res,
    limiter: Limiter,
    key: string,
    cost: number,
    denial: Decision,
  ): Promise<Decision | undefined> | undefined {
    // Only a quota decision is worth waiting on: not a store outage, and not a cost that never passes.
    if (denial.decidedBy === 'failure-policy' || !(denial.retryAfterMs <= this.maxWaitMs)) return undefined;
    const forKey = this.perKey.get(key) ?? 0;
    if (this.total >= this.maxWaiting || forKey >= this.maxWaitingPerKey) return undefined;
    this.total++;
    this.perKey.set(key, forKey + 1);
    return this.wait(framework, req, res, limiter, key, cost, denial).finally(() => this.leave(key));
  }

  private async wait<Req, Res, Next, OnLimited>(
    framework: HttpFramework<Req, Res, Next, OnLimited>,
    req: Req,
    res: Res,
    limiter: Limiter,
    key: string,
    cost: number,
    denial: Decision,
  ): Promise<Decision | undefined> {
    const started = performance.now();
    const gone = new AbortController();
    const response = framework.rawResponse?.(req, res);
    if (response !== undefined ? response.closed || response.destroyed : clientGone(framework.raw(req))) return undefined;
    const closing: EventEmitter = response ?? framework.raw(req).socket;
    const onClose = (): void => gone.abort(CLIENT_GONE);
    closing.once('close', onClose);
    try {
      // The denial already says how long: no store call before then.
      await sleep(Math.max(1, denial.retryAfterMs), gone.signal);
      const left = Math.max(0, this.maxWaitMs - Math.ceil(performance.now() - started));
      const admitted = await limiter.acquire(key, { cost, maxWaitMs: left, signal: gone.signal });
      // acquire already held a leaky-bucket delay: the engine must not hold it again.
      return admitted.delayMs > 0 ? { ...admitted, results: admitted.results, delayMs: 0 } : admitted;
    } catch (error) {
      if (gone.signal.aborted) return undefined;
      if (isSluiceError(error, ErrorCodes.WAIT_EXCEEDED)) return (error as RateLimitWaitError).decision;
      throw error;
    } finally {
      closing.removeListener('close', onClose);
    }
  }

  private leave(key: string): void {
    this.total--;
    const left = (this.perKey.get(key) ?? 1) - 1;
    if (left === 0) this.perKey.delete(key);
    else this.perKey.set(key, left);
  }
}
