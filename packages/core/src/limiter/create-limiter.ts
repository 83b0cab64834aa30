import type { Mode } from '../algorithms/types.js';
import { InvalidOptionError, StoreTimeoutError, toStoreError, type StoreError } from '../errors.js';
import type { Policy } from '../policies/policy.js';
import { encodeClientKey } from '../store/keys.js';
import type { MaybePromise, PolicyResult, Store, StoreRequest } from '../store/types.js';
import { combineResults, degradedDecision, type Decision, type Degraded } from './decision.js';
import { resolveLimiterOptions, type FailurePolicy, type LimiterOptions } from './options.js';

export interface ConsumeOptions {
  /** Units this request costs: an integer >= 1. Default 1. */
  cost?: number;
  /** Overrides the store's clock (tests). */
  nowMs?: number;
}

export interface Limiter {
  readonly policies: readonly Policy[];
  readonly store: Store;
  readonly prefix: string;
  /** The failure policy and timeout it was built with (adapters pass them on to related limiters). */
  readonly onStoreError: FailurePolicy;
  readonly timeoutMs: number;
  /** Charges `cost` if every policy admits it; otherwise charges nothing. */
  consume(key: string, options?: ConsumeOptions): Promise<Decision>;
  /** What a request of `cost` would get, without charging. */
  peek(key: string, options?: ConsumeOptions): Promise<Decision>;
  /** Gives `cost` back (e.g. a login that succeeded should not count). */
  refund(key: string, options?: ConsumeOptions): Promise<Decision>;
  /** Forgets the key's state under every policy. */
  reset(key: string): Promise<void>;
  /**
   * The hot path for adapters: synchronous when the store is (MemoryStore), a promise
   * otherwise. Never rejects for store trouble: the failure policy decides.
   */
  decide(key: string, cost: number, mode: Mode, nowMs?: number): MaybePromise<Decision>;
  /** Closes the store (and a fallback store) if they have `close`. */
  close(): Promise<void>;
}

function isPromiseLike<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | null)?.then === 'function';
}

function assertCost(cost: number): void {
  // Safe integers only: a store computing in Lua doubles or SQL bigint must represent it exactly.
  if (!Number.isSafeInteger(cost) || cost < 1) throw new InvalidOptionError('cost', cost, 'an integer from 1 to 2^53 - 1');
}

function assertKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new InvalidOptionError('key', key, 'a non-empty string (an empty key would put every client in one bucket)');
  }
}

class StoreLimiter implements Limiter {
  readonly policies: readonly Policy[];
  readonly store: Store;
  readonly prefix: string;
  readonly onStoreError: FailurePolicy;
  readonly timeoutMs: number;
  private readonly keyStart: string;
  private readonly onError: ((error: StoreError) => void) | undefined;

  constructor(options: LimiterOptions) {
    const resolved = resolveLimiterOptions(options);
    this.policies = resolved.policies;
    this.store = resolved.store;
    this.prefix = resolved.prefix;
    this.keyStart = resolved.prefix + ':{';
    this.onStoreError = resolved.onStoreError;
    this.timeoutMs = resolved.timeoutMs;
    this.onError = resolved.onError;
  }

  decide(key: string, cost: number, mode: Mode, nowMs?: number): MaybePromise<Decision> {
    assertKey(key);
    if (cost !== 1) assertCost(cost);
    const request: StoreRequest = {
      key: this.keyStart + encodeClientKey(key) + '}',
      policies: this.policies,
      cost,
      mode,
      nowMs,
    };
    return this.ask(this.store, request, undefined);
  }

  consume(key: string, options?: ConsumeOptions): Promise<Decision> {
    return this.run(key, options, 'consume');
  }

  peek(key: string, options?: ConsumeOptions): Promise<Decision> {
    return this.run(key, options, 'peek');
  }

  refund(key: string, options?: ConsumeOptions): Promise<Decision> {
    return this.run(key, options, 'refund');
  }

  async reset(key: string): Promise<void> {
    assertKey(key);
    const done = this.store.reset(this.keyStart + encodeClientKey(key) + '}', this.policies);
    if (isPromiseLike(done)) await this.withTimeout(done);
  }

  async close(): Promise<void> {
    await this.store.close?.();
    if (typeof this.onStoreError === 'object') await this.onStoreError.close?.();
  }

  private async run(key: string, options: ConsumeOptions | undefined, mode: Mode): Promise<Decision> {
    return this.decide(key, options?.cost ?? 1, mode, options?.nowMs);
  }

  /**
   * Asks one store; on failure or timeout, hands over to the failure policy. `degraded` is
   * set when this is the fallback store, asked because the primary failed that way.
   */
  private ask(store: Store, request: StoreRequest, degraded: Degraded | undefined): MaybePromise<Decision> {
    let answer: MaybePromise<readonly PolicyResult[]>;
    try {
      answer = store.consume(request);
    } catch (error) {
      return this.fail(error, request, degraded);
    }
    if (!isPromiseLike(answer)) return this.finish(answer, degraded);
    return this.withTimeout(answer).then(
      (results) => this.finish(results, degraded),
      (error: unknown) => this.fail(error, request, degraded),
    );
  }

  private finish(results: readonly PolicyResult[], degraded: Degraded | undefined): Decision {
    const decision = combineResults(results);
    if (degraded !== undefined) decision.degraded = degraded;
    return decision;
  }

  private fail(error: unknown, request: StoreRequest, primaryFailure: Degraded | undefined): MaybePromise<Decision> {
    // A store refusing its input is a bug to see, not an outage to absorb (and fail open on).
    if (error instanceof InvalidOptionError) throw error;
    const storeError = toStoreError(error);
    const reason: Degraded = storeError instanceof StoreTimeoutError ? 'timeout' : 'store-error';
    this.onError?.(storeError);
    const policy = this.onStoreError;
    if (typeof policy === 'object' && primaryFailure === undefined) return this.ask(policy, request, reason);
    // A failing fallback store falls back to admitting: the primary is already down.
    return degradedDecision(this.policies, policy !== 'deny', primaryFailure ?? reason);
  }

  private withTimeout<T>(promise: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreTimeoutError(this.timeoutMs)), this.timeoutMs);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}

/** Builds a limiter; every option is validated here, once, with typed errors. */
export function createLimiter(options: LimiterOptions): Limiter {
  return new StoreLimiter(options);
}
