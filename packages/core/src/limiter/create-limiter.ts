import type { Mode } from '../algorithms/types.js';
import { ErrorCodes, StoreError, StoreTimeoutError, toStoreError } from '../errors.js';
import { emitProcessWarning, type SluiceWarning } from '../keys/warnings.js';
import { isThenable } from '../http/thenable.js';
import { callSafely } from '../safe-call.js';
import type { Policy } from '../policies/policy.js';
import { encodeClientKey } from '../store/keys.js';
import type { BoundStore, MaybePromise, PolicyResult, Store, StoreRequest } from '../store/types.js';
import { acquire } from './acquire.js';
import { assertConsumeOptions, invalidCost, invalidKey, invalidMode, invalidNow, isInputError, MAX_NOW_MS } from './call-options.js';
import { closedStoreError } from '../store/lifecycle.js';
import { Deadlines } from './deadlines.js';
import { combineResults, degradedDecision, type Decision, type Degraded } from './decision.js';
import type { AcquireOptions, ConsumeOptions, Limiter } from './limiter.js';
import { resolveLimiterOptions, type FailurePolicy, type LimiterOptions, type LimiterSettings } from './options.js';
import { LIMITER_BRAND, LIMITER_FORMAT } from './recognise.js';
import { noteAnswer, noteFailure } from './store-health.js';
import { Leases } from './leases.js';
import { EventHub, outcomeOf } from '../events/hub.js';
import type { LimiterEvents } from '../events/types.js';
import { breakerFor, type Breaker } from '../resilience/breaker.js';
import { registeredBreaker } from '../resilience/breaker-registry.js';
import { BlockCache } from '../resilience/block-cache.js';
import { reportedOutcome, Shadowing } from './shadow.js';
import { decisionView } from './decision-view.js';

export type { Limiter, ConsumeOptions, AcquireOptions } from './limiter.js';

/** Warning code: a user hook (an event listener, `onError`, a refund callback) threw or rejected; the request was not affected. */
export const CALLBACK_THREW = 'SLUICE_CALLBACK_THREW';
/** Warning: a limiter asked for breaker options other than those its store's breaker already has. */
export const BREAKER_OPTIONS_IGNORED = 'SLUICE_BREAKER_OPTIONS_IGNORED';

function ignore(): void {}

/** `onError` hooks whose failure was reported: one warning per hook function. */
const failedHooks = new WeakSet<object>();


class StoreLimiter implements Limiter {
  readonly policies: readonly Policy[];
  readonly store: Store;
  readonly prefix: string;
  readonly onStoreError: FailurePolicy;
  readonly timeoutMs: number;
  readonly options: LimiterSettings;
  private readonly keyStart: string;
  /** The store's fast path for this limiter's prefix and policies, when it has one (Store.bind). */
  private readonly bound: BoundStore | undefined;
  /** Until the primary store answers once through this limiter (one boolean test per decision). */
  private unproven = true;
  /** One timer bounds every pending call to the primary store by timeoutMs. */
  private readonly deadlines: Deadlines;
  /** Lease ids and release/renew for the concurrency policies; undefined without one. */
  private readonly leases: Leases | undefined;
  /** Listeners, shared with every sibling built by withPolicies. */
  readonly events: LimiterEvents;
  private readonly hub: EventHub;
  /**
   * The breaker and block cache arm at the store's first asynchronous answer or first failure,
   * so a synchronous store (MemoryStore) never pays for them; `guarded` is the one test then.
   */
  private armed = false;
  private guarded = false;
  /** The store's breaker (shared per store), unless `breaker: false`. */
  private breaker: Breaker | undefined;
  /**
   * The breaker this limiter reports answers and failures to: `breaker`, except in the shadow
   * part of a limiter mixing shadow and enforced policies, whose store call goes with the
   * enforced part's: that one reports (one failure per decision) and takes the half-open probe.
   */
  private reporting: Breaker | undefined;
  private readonly passiveBreaker: boolean;
  /** This limiter's denied keys, unless `blockCache: false`. */
  private blockCache: BlockCache | undefined;

  /** Shadow mode: the parts that decide, when any policy (or the whole limiter) is in shadow. */
  private readonly shadowing: Shadowing | undefined;
  /** A shadow part reports no degraded events: the enforced part's decision is the one returned. */
  private readonly quietDegraded: boolean;

  /**
   * `hub`: a sibling's (withPolicies) or an adapter's, so all report to the same listeners.
   * `part`: internal, a part of a shadow limiter (never split again).
   */
  constructor(options: LimiterOptions, hub?: EventHub, part?: { quietDegraded: boolean }) {
    const { policies, ...settings } = resolveLimiterOptions(options);
    this.policies = policies;
    this.options = Object.freeze(settings);
    this.store = settings.store;
    this.prefix = settings.prefix;
    this.onStoreError = settings.onStoreError;
    this.timeoutMs = settings.timeoutMs;
    this.keyStart = settings.prefix + ':{';
    this.deadlines = new Deadlines(settings.timeoutMs);
    // A hub follows one store's breaker: a sibling on another store gets its own.
    this.hub = hub !== undefined && hub.store === settings.store ? hub : new EventHub(settings.store, settings.onWarning);
    this.events = this.hub;
    this.quietDegraded = part?.quietDegraded ?? false;
    // The same parts as quietDegraded: a shadow part beside an enforced one.
    this.passiveBreaker = this.quietDegraded;
    const plan = part === undefined ? Shadowing.plan(policies, settings.shadow) : undefined;
    if (plan !== undefined) {
      const partOf = (list: readonly Policy[], quietDegraded: boolean): StoreLimiter =>
        new StoreLimiter({ ...settings, policies: list, shadow: false }, this.hub, { quietDegraded });
      this.shadowing = new Shadowing(policies, plan.enforced.length > 0 ? partOf(plan.enforced, false) : undefined, partOf(plan.shadow, plan.enforced.length > 0));
    }
    this.bound = typeof this.store.bind === 'function' ? (this.store.bind({ prefix: this.prefix, policies }) ?? undefined) : undefined;
    this.leases = Leases.of(settings, policies);
  }

  decide(key: string, cost: number, mode: Mode, nowMs?: number): MaybePromise<Decision> {
    // The whole store request is validated here, so a store error always means the store failed.
    if (typeof key !== 'string' || key.length === 0) throw invalidKey(key);
    if (cost !== 1 && !(Number.isSafeInteger(cost) && cost >= 1)) throw invalidCost(cost);
    if (mode !== 'consume' && mode !== 'peek' && mode !== 'refund') throw invalidMode(mode);
    if (nowMs !== undefined && !(typeof nowMs === 'number' && nowMs >= 0 && nowMs <= MAX_NOW_MS)) throw invalidNow(nowMs);
    // The one test events cost when nobody listens.
    if (this.hub.listening) return this.observed(key, cost, mode, nowMs);
    return this.decideQuiet(key, cost, mode, nowMs);
  }

  /** A decision with a 'decision' event: the store's latency timed, the outcome reported. */
  private observed(key: string, cost: number, mode: Mode, nowMs: number | undefined): MaybePromise<Decision> {
    const started = performance.now();
    const answer = this.decideQuiet(key, cost, mode, nowMs);
    if (!isThenable(answer)) {
      this.emitDecision(key, cost, mode, answer, 0);
      return answer;
    }
    return answer.then((decision) => {
      this.emitDecision(key, cost, mode, decision, performance.now() - started);
      return decision;
    });
  }

  private emitDecision(key: string, cost: number, mode: Mode, decision: Decision, storeLatencyMs: number): void {
    if (!this.hub.has('decision')) return;
    // Listeners see a frozen copy: what they do cannot change the decision returned.
    const view = decisionView(decision);
    if (decision.shadow === undefined) {
      this.hub.emit('decision', { prefix: this.prefix, key, mode, cost, outcome: outcomeOf(decision.allowed, decision.delayMs), enforced: true, decision: view, storeLatencyMs });
      return;
    }
    const { outcome, enforced } = reportedOutcome(decision, this.shadowing?.whole === true);
    this.hub.emit('decision', { prefix: this.prefix, key, mode, cost, outcome, enforced, decision: view, storeLatencyMs });
  }

  /** The decision itself (validated input), without the 'decision' event. Internal (shadow parts call it). */
  decideQuiet(key: string, cost: number, mode: Mode, nowMs: number | undefined, lease?: string): MaybePromise<Decision> {
    if (this.shadowing !== undefined && lease === undefined) return this.shadowing.decide(key, cost, mode, nowMs);
    if (this.leases !== undefined && lease === undefined && mode === 'consume') {
      return this.leases.consume(key, cost, (id) => this.decideQuiet(key, cost, mode, nowMs, id));
    }
    // Until this limiter hears from its store: join a breaker another limiter already built for it.
    if (this.unproven && !this.armed) this.joinBreaker();
    if (this.guarded) {
      const local = this.guard(key, cost, mode, nowMs, lease);
      if (local !== undefined) return local;
    }
    if (this.bound !== undefined) return this.decideBound(this.bound, key, cost, mode, nowMs, lease);
    const request = this.request(key, cost, mode, nowMs, lease);
    let answer: MaybePromise<readonly PolicyResult[]>;
    try {
      answer = this.store.consume(request);
    } catch (error) {
      return this.fail(error, key, request);
    }
    if (!isThenable(answer)) return this.answered(answer);
    const started = performance.now();
    return this.deadlines.race(answer).then(
      (results) => this.remote(key, cost, mode, nowMs, this.answered(results), started, true),
      (error: unknown) => this.fail(error, key, request, started),
    );
  }

  /** The bound store's path: its decision as it is, no request object, no key string built. */
  private decideBound(bound: BoundStore, key: string, cost: number, mode: Mode, nowMs: number | undefined, lease?: string): MaybePromise<Decision> {
    let answer: MaybePromise<Decision>;
    try {
      answer = bound.decide(key, cost, mode, nowMs, lease);
    } catch (error) {
      return this.fail(error, key, this.request(key, cost, mode, nowMs, lease));
    }
    if (!isThenable(answer)) {
      if (this.unproven) this.proven();
      // A synchronous store that failed before has a breaker waiting for its answers.
      if (this.guarded) this.reporting?.success();
      return answer;
    }
    const started = performance.now();
    return this.deadlines.race(answer).then(
      (decision) => {
        if (this.unproven) this.proven();
        return this.remote(key, cost, mode, nowMs, decision, started);
      },
      (error: unknown) => this.fail(error, key, this.request(key, cost, mode, nowMs, lease), started),
    );
  }

  /**
   * Before the store: the block cache repeats a live denial of this key (consume without nowMs,
   * the denied cost); an open breaker sends the decision to the failure policy. Refunds
   * clear the key's cached denial. undefined: ask the store.
   */
  private guard(key: string, cost: number, mode: Mode, nowMs: number | undefined, lease: string | undefined): MaybePromise<Decision> | undefined {
    const cache = this.blockCache;
    if (cache !== undefined) {
      if (mode === 'consume') {
        if (nowMs === undefined && cache.size > 0) {
          const hit = cache.check(key, cost, performance.now());
          if (hit !== undefined) {
            if (this.hub.has('blockCacheHit')) this.hub.emit('blockCacheHit', { prefix: this.prefix, key, retryAfterMs: hit.retryAfterMs });
            return hit;
          }
        }
      } else if (mode === 'refund') cache.clear(key); // any refund, with nowMs too: it frees quota
    }
    const breaker = this.breaker;
    if (breaker === undefined || breaker.state === 'closed') return undefined;
    // Open or half-open: a passive part stays off the store (the enforced part's call is the probe).
    if (!this.passiveBreaker && breaker.admits()) return undefined;
    return this.failurePolicy(key, this.request(key, cost, mode, nowMs, lease), 'breaker-open');
  }

  /** After an asynchronous answer: the breaker hears of it; a consume denial enters the block cache. */
  private remote(key: string, cost: number, mode: Mode, nowMs: number | undefined, decision: Decision, sentAt: number, fromAnswered = false): Decision {
    if (!this.armed) {
      this.arm();
      this.reporting?.success();
    } else if (!fromAnswered) this.reporting?.success();
    const cache = this.blockCache;
    // A concurrency denial is not cached: any release may end it before its retryAfterMs.
    if (cache !== undefined && !decision.allowed && mode === 'consume' && nowMs === undefined && this.leases?.deniedByLease(decision) !== true) {
      cache.remember(key, cost, decision, sentAt);
    }
    return decision;
  }

  /**
   * The store already has a breaker (it failed or answered asynchronously through another
   * limiter): arm now, so an open breaker decides this limiter's first call too. One WeakMap
   * read per call, only until the store first answers through this limiter.
   */
  private joinBreaker(): void {
    if (this.options.breaker !== false && registeredBreaker(this.store) !== undefined) this.arm();
  }

  /** Builds the breaker and the block cache (each unless turned off): the store is remote or failing. */
  private arm(): void {
    this.armed = true;
    const settings = this.options;
    if (settings.breaker !== false) {
      const { breaker, differs } = breakerFor(this.store, settings.breaker);
      this.breaker = breaker;
      this.reporting = this.passiveBreaker ? undefined : breaker;
      if (differs) {
        this.warn({
          code: BREAKER_OPTIONS_IGNORED,
          message:
            `Sluice: the limiter '${this.prefix}' asked for breaker options other than those of its store's breaker; ` +
            'one store has one breaker, configured by the first limiter that used it. Give every limiter on the store the same `breaker` options.',
        });
      }
    }
    if (settings.blockCache !== false) this.blockCache = new BlockCache(settings.blockCache.maxEntries);
    this.guarded = this.breaker !== undefined || this.blockCache !== undefined;
  }

  /** The generic store request (the store's `consume`, and a fallback store's). */
  private request(key: string, cost: number, mode: Mode, nowMs: number | undefined, lease?: string): StoreRequest {
    return { key: this.keyStart + encodeClientKey(key) + '}', policies: this.policies, cost, mode, nowMs, lease };
  }

  private proven(): void {
    this.unproven = false;
    noteAnswer(this.store);
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

  acquire(key: string, options?: AcquireOptions): Promise<Decision> {
    return acquire(this, key, options);
  }

  withPolicies(policies: readonly Policy[]): Limiter {
    return new StoreLimiter({ ...this.options, policies }, this.hub);
  }

  async reset(key: string): Promise<void> {
    if (typeof key !== 'string' || key.length === 0) throw invalidKey(key);
    this.clearBlocked(key);
    if (this.unproven && !this.armed) this.joinBreaker();
    const breaker = this.breaker;
    if (breaker !== undefined && breaker.state !== 'closed' && !breaker.admits()) {
      throw new StoreError(`The circuit breaker of ${this.store.constructor?.name ?? 'the store'} is open: reset was not sent.`);
    }
    try {
      const done =
        this.bound !== undefined ? this.bound.reset(key) : this.store.reset(this.keyStart + encodeClientKey(key) + '}', this.policies);
      if (isThenable(done)) await this.withTimeout(done, this.timeoutMs);
      this.reporting?.success();
    } catch (error) {
      if (isInputError(error)) throw error;
      if (!this.armed) this.arm();
      this.reporting?.failure();
      throw toStoreError(error);
    }
  }

  /** Internal: forgets the key's cached denials (this limiter's block cache, its shadow parts'). */
  clearBlocked(key: string): void {
    this.blockCache?.clear(key);
    this.shadowing?.clearBlocked(key);
  }

  /** Internal: decides every call still waiting on the store by the failure policy, now. */
  cancelPending(error: unknown): void {
    this.deadlines.cancelAll(error);
    this.shadowing?.cancelPending(error);
  }

  async close(): Promise<void> {
    // Decisions still waiting on the store are decided now by the failure policy.
    this.cancelPending(closedStoreError(this.store.constructor?.name ?? 'store'));
    await this.store.close?.();
    if (typeof this.onStoreError === 'object') await this.onStoreError.close?.();
  }

  private async run(key: string, options: ConsumeOptions | undefined, mode: Mode): Promise<Decision> {
    assertConsumeOptions(options);
    const cost = options === undefined || options.cost === undefined ? 1 : options.cost;
    return this.decide(key, cost, mode, options?.nowMs);
  }

  private answered(results: readonly PolicyResult[]): Decision {
    if (this.unproven) this.proven();
    if (this.guarded) this.reporting?.success();
    return combineResults(results, this.policies);
  }

  /**
   * The primary failed: report it, then the failure policy decides (maybe by a fallback store).
   * `started`: when the primary was asked, if it answered asynchronously.
   */
  private fail(error: unknown, key: string, request: StoreRequest, started?: number): MaybePromise<Decision> {
    if (isInputError(error)) throw error;
    if (!this.armed) this.arm();
    this.reporting?.failure();
    const storeError = toStoreError(error);
    const reason: Degraded = storeError.code === ErrorCodes.STORE_TIMEOUT ? 'timeout' : 'store-error';
    this.report(storeError, this.store, 'store');
    return this.failurePolicy(key, request, reason, started);
  }

  /** The failure policy decides (the primary failed, timed out, or its breaker is open). */
  private failurePolicy(key: string, request: StoreRequest, reason: Degraded, started?: number): MaybePromise<Decision> {
    const policy = this.onStoreError;
    if (typeof policy !== 'object') {
      if (this.hub.listening) this.emitDegraded(key, reason, 'failure-policy');
      return degradedDecision(this.policies, policy === 'allow', reason);
    }
    let answer: MaybePromise<readonly PolicyResult[]>;
    try {
      answer = policy.consume(request);
    } catch (fallbackError) {
      return this.fallbackFailed(fallbackError, key, policy, reason);
    }
    if (!isThenable(answer)) return this.fromFallback(answer, key, policy, reason);
    // One budget for the whole decision: the fallback gets what the primary left of timeoutMs.
    const left = started === undefined ? this.timeoutMs : Math.max(0, Math.floor(this.timeoutMs - (performance.now() - started)));
    if (left === 0) {
      // The primary used the whole budget: the fallback had no time, which is not its failure
      // (no misconfiguration warning for it). Its charge may still land; its answer comes too late.
      answer.then(undefined, ignore);
      if (this.hub.listening) this.emitDegraded(key, reason, 'failure-policy');
      return degradedDecision(this.policies, true, reason);
    }
    return this.withTimeout(answer, left).then(
      (results) => this.fromFallback(results, key, policy, reason),
      (fallbackError: unknown) => this.fallbackFailed(fallbackError, key, policy, reason),
    );
  }

  /** A fallback store's answer is a real quota decision, labelled as such. */
  private fromFallback(results: readonly PolicyResult[], key: string, fallback: Store, reason: Degraded): Decision {
    noteAnswer(fallback);
    if (this.hub.listening) this.emitDegraded(key, reason, 'fallback');
    const decision = combineResults(results, this.policies);
    decision.decidedBy = 'fallback';
    decision.degraded = reason;
    return decision;
  }

  /** A failing fallback store falls back to admitting: the primary is already down. */
  private fallbackFailed(error: unknown, key: string, fallback: Store, reason: Degraded): Decision {
    if (isInputError(error)) throw error;
    this.report(toStoreError(error), fallback, 'onStoreError');
    if (this.hub.listening) this.emitDegraded(key, reason, 'failure-policy');
    return degradedDecision(this.policies, true, reason);
  }

  private emitDegraded(key: string, reason: Degraded, decidedBy: 'fallback' | 'failure-policy'): void {
    if (this.hub.has('degraded') && !this.quietDegraded) this.hub.emit('degraded', { prefix: this.prefix, key, reason, decidedBy });
  }

  private report(error: StoreError, store: Store, role: 'store' | 'onStoreError'): void {
    if (this.hub.has('storeError')) {
      this.hub.emit('storeError', { prefix: this.prefix, store: store.constructor?.name ?? 'store', role, error });
    }
    const warning = noteFailure(store, error, role);
    if (warning !== undefined) this.warn(warning);
    const onError = this.options.onError;
    // A hook that throws or rejects must not turn a store outage into a crash or a rejected decision.
    if (onError !== undefined) callSafely(onError, error, this.onErrorFailed);
  }

  private readonly onErrorFailed = (thrown: unknown): void => {
    // Once per hook: during an outage it would fail on every request, for every sibling limiter.
    const hook = this.options.onError;
    if (hook === undefined || failedHooks.has(hook)) return;
    failedHooks.add(hook);
    this.warn({ code: CALLBACK_THREW, message: `Sluice: the limiter's onError hook threw: ${String(thrown)} (reported once per hook; its later failures are not)` });
  };

  private warn(warning: SluiceWarning): void {
    callSafely(this.options.onWarning, warning, () => emitProcessWarning(warning));
  }

  private withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreTimeoutError(ms)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}
Object.defineProperty(StoreLimiter.prototype, LIMITER_BRAND, { value: LIMITER_FORMAT });

/**
 * Builds a limiter; every option is validated here, once, with typed errors (see
 * LimiterOptions and docs/errors.md): InvalidOptionError naming the option
 * (ERR_SLUICE_INVALID_OPTION, ERR_SLUICE_UNKNOWN_OPTION for a misspelt name,
 * ERR_SLUICE_UNKNOWN_ALGORITHM), and UnsupportedAlgorithmError
 * (ERR_SLUICE_UNSUPPORTED_ALGORITHM) when the store (or a fallback store) lacks a policy's algorithm.
 */
export function createLimiter(options: LimiterOptions): Limiter {
  return new StoreLimiter(options);
}

/** Internal (adapters): a limiter reporting to `hub` when it uses the hub's store. */
export function createLimiterSharing(options: LimiterOptions, hub: EventHub | undefined): Limiter {
  return new StoreLimiter(options, hub);
}
