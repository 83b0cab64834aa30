import { noClientKeyError } from '../keys/no-client-key.js';
import type { RequestAccess } from '../keys/request-access.js';
import type { WarningHandler } from '../keys/warnings.js';
import type { Decision } from '../limiter/decision.js';
import type { Policy } from '../policies/policy.js';
import type { MaybePromise } from '../store/types.js';
import { refusedHold } from './long-hold.js';
import { resolveRateLimitOptions, type RateLimitOptions, type ResolvedRateLimitOptions } from './options.js';
import type { RateLimitOutcome } from './outcome.js';
import type { PolicySet } from './policy-set.js';
import { limitedResponse, limitedStatus, type LimitedResponse } from './problem.js';
import { writeRateLimitHeaders, type HeaderSink } from './response-headers.js';
import { bindingOutcome, decidedBefore, stackOutcome } from './stack.js';
import { isThenable } from './thenable.js';

/** Where handlers read the decisions: Express `req`, Koa `ctx.state`, Fastify `request`. */
export interface ExposedDecisions {
  rateLimit?: Decision | null;
  rateLimits?: Decision[] | null;
}

function checkedKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) throw noClientKeyError(`key() returned ${key === '' ? 'an empty string' : String(key)}`);
  return key;
}

/**
 * The framework-agnostic middleware: skip → key → cost → policy set → decision, then headers,
 * the denial response and refunds. Every step stays synchronous while its input is (the memory
 * store, plain functions), so the common request allocates no promise or closure; a step that
 * returns a promise continues asynchronously from there.
 *
 * Errors: before the response, whatever a user callback throws or rejects with (and a bad
 * `cost` or key) comes out of `evaluate` (a throw or a rejection) for the adapter to hand to the
 * framework's error handling. After the response (refund) nothing is thrown: errors go to
 * `onCallbackError`.
 *
 * `Req` is also the per-request carrier of stacked outcomes (Express req, Koa ctx, Fastify request).
 */
export class RateLimitEngine<Req extends object, OnLimited = unknown> {
  private readonly options: ResolvedRateLimitOptions<Req, OnLimited>;
  readonly onLimited: OnLimited | undefined;
  /** True when `refund` is set: adapters then watch for the response's status. */
  readonly refunds: boolean;
  /** Where this middleware's one-time configuration warnings go (adapters warn through it too). */
  readonly onWarning: WarningHandler;
  /** Reports an error after the response; one bound function, not a closure per request. */
  private readonly report = (error: unknown): void => {
    try {
      this.options.onCallbackError(error);
    } catch {
      // The error hook itself failed: nothing is left to tell, and the event loop must not see it.
    }
  };

  /** Validates `options` (typed errors at construction); untyped callers' mistakes are caught here too. */
  constructor(options: RateLimitOptions<Req, OnLimited>, access: RequestAccess<Req>, extraOptionKeys: readonly string[] = []) {
    this.options = resolveRateLimitOptions<Req, OnLimited>(options, access, extraOptionKeys);
    this.onLimited = this.options.onLimited;
    this.refunds = this.options.refund !== undefined;
    this.onWarning = this.options.onWarning;
  }

  /**
   * The decision for `req`, or undefined when `skip` let it through uncounted (or this same
   * limiter already decided on this request). Throws or rejects with a callback's error, or a
   * typed error (ERR_SLUICE_NO_CLIENT_KEY, ERR_SLUICE_INVALID_OPTION for a bad cost).
   */
  evaluate(req: Req): MaybePromise<RateLimitOutcome | undefined> {
    const skip = this.options.skip;
    if (skip !== undefined) {
      const skipped = skip(req);
      if (isThenable(skipped)) return Promise.resolve(skipped).then((yes) => (yes ? undefined : this.withKey(req)));
      if (skipped) return undefined;
    }
    return this.withKey(req);
  }

  private withKey(req: Req): MaybePromise<RateLimitOutcome | undefined> {
    const key = this.options.key(req);
    if (isThenable(key)) return Promise.resolve(key).then((resolved) => this.withCost(req, checkedKey(resolved)));
    return this.withCost(req, checkedKey(key));
  }

  private withCost(req: Req, key: string): MaybePromise<RateLimitOutcome | undefined> {
    const costOf = this.options.cost;
    if (costOf === undefined) return this.withPolicies(req, key, 1);
    const cost = costOf(req);
    if (isThenable(cost)) return Promise.resolve(cost).then((resolved) => this.withPolicies(req, key, resolved));
    return this.withPolicies(req, key, cost);
  }

  private withPolicies(req: Req, key: string, cost: number): MaybePromise<RateLimitOutcome | undefined> {
    const source = this.options.policies;
    if (source.fixed !== undefined) return this.decide(req, source.fixed, key, cost);
    const policies = source.perRequest(req);
    if (isThenable(policies)) {
      return Promise.resolve(policies).then((resolved: readonly Policy[]) => this.decide(req, source.cache.get(resolved), key, cost));
    }
    return this.decide(req, source.cache.get(policies), key, cost);
  }

  private decide(req: Req, policySet: PolicySet, key: string, cost: number): MaybePromise<RateLimitOutcome | undefined> {
    if (decidedBefore(req, policySet)) return undefined;
    const decision = policySet.limiter.decide(key, cost, 'consume');
    if (isThenable(decision)) return decision.then((resolved) => this.outcomeOf(resolved, policySet, key, cost));
    return this.outcomeOf(decision, policySet, key, cost);
  }

  private outcomeOf(decision: Decision, policySet: PolicySet, key: string, cost: number): RateLimitOutcome {
    const maxDelayMs = this.options.maxDelayMs;
    if (decision.delayMs > maxDelayMs) {
      // Too long to hold the connection: refuse instead, and give back what the store just charged.
      this.giveBack(policySet, key, cost);
      return { decision: refusedHold(decision, maxDelayMs, cost), policySet, key, cost };
    }
    return { decision, policySet, key, cost };
  }

  /**
   * Records the outcome on the request (several Sluice middlewares may decide on one request),
   * writes RateLimit-Policy / RateLimit (in the configured format), legacy headers and
   * Retry-After over every outcome so far, and sets `rateLimit` (this decision, or the binding
   * one of several) and `rateLimits` (all, in order) on `exposed` (req, ctx.state, request).
   */
  record<Target>(req: Req, exposed: ExposedDecisions, target: Target, sink: HeaderSink<Target>, outcome: RateLimitOutcome): void {
    const stacked = stackOutcome(req, outcome);
    writeRateLimitHeaders(target, sink, outcome, this.options.headers, this.options.legacyHeaders, stacked);
    if (stacked === undefined) {
      exposed.rateLimit = outcome.decision;
      exposed.rateLimits = [outcome.decision];
    } else {
      exposed.rateLimit = bindingOutcome(stacked).decision;
      (exposed.rateLimits ??= []).push(outcome.decision);
    }
  }

  /** The status of a denial (429, or 503 when no store answered), for `onLimited` to answer with. */
  limitedStatus(outcome: RateLimitOutcome): number {
    return limitedStatus(outcome.decision);
  }

  /** Status and RFC 9457 body for a denial (when no `onLimited` replaces it). */
  limitedResponse(outcome: RateLimitOutcome): LimitedResponse {
    return limitedResponse(outcome);
  }

  /**
   * Call once the response is complete: gives the cost back when `refund(statusCode)` says so
   * (sync or async). Never throws or rejects: a failing `refund` or refund call goes to
   * `onCallbackError`. Not for decisions made while the primary store was down (`degraded`):
   * the primary charged nothing to give back.
   */
  afterResponse(outcome: RateLimitOutcome, statusCode: number): void {
    const refund = this.options.refund;
    if (refund === undefined || outcome.decision.degraded !== undefined) return;
    let wanted: boolean | PromiseLike<boolean>;
    try {
      wanted = refund(statusCode);
    } catch (error) {
      this.report(error);
      return;
    }
    if (isThenable(wanted)) {
      Promise.resolve(wanted).then((yes) => {
        if (yes) this.giveBack(outcome.policySet, outcome.key, outcome.cost);
      }, this.report);
      return;
    }
    if (wanted) this.giveBack(outcome.policySet, outcome.key, outcome.cost);
  }

  /** Refunds `cost`; a failure is reported, never thrown (the response is already decided). */
  private giveBack(policySet: PolicySet, key: string, cost: number): void {
    let done: MaybePromise<Decision>;
    try {
      done = policySet.limiter.decide(key, cost, 'refund');
    } catch (error) {
      this.report(error);
      return;
    }
    if (isThenable(done)) done.then(undefined, this.report);
  }
}
