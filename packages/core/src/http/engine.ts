import { noClientKeyError } from '../keys/no-client-key.js';
import type { RequestAccess } from '../keys/request-access.js';
import type { Decision } from '../limiter/decision.js';
import type { Policy } from '../policies/policy.js';
import type { MaybePromise } from '../store/types.js';
import { resolveRateLimitOptions, type RateLimitOptions, type ResolvedRateLimitOptions } from './options.js';
import type { RateLimitOutcome } from './outcome.js';
import type { PolicySet } from './policy-set.js';
import { limitedResponse, limitedStatus, type LimitedResponse } from './problem.js';
import { writeRateLimitHeaders, type HeaderSink } from './response-headers.js';
import { isThenable } from './thenable.js';

function ignore(): void {}

function outcomeOf(decision: Decision, policySet: PolicySet, key: string, cost: number): RateLimitOutcome {
  return { decision, policySet, key, cost };
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
 */
export class RateLimitEngine<Req, OnLimited = unknown> {
  private readonly options: ResolvedRateLimitOptions<Req, OnLimited>;
  readonly onLimited: OnLimited | undefined;
  /** True when `refund` is set: adapters then watch for the response's status. */
  readonly refunds: boolean;

  /** Validates `options` (typed errors at construction); untyped callers' mistakes are caught here too. */
  constructor(options: RateLimitOptions<Req, OnLimited>, access: RequestAccess<Req>, extraOptionKeys: readonly string[] = []) {
    this.options = resolveRateLimitOptions<Req, OnLimited>(options, access, extraOptionKeys);
    this.onLimited = this.options.onLimited;
    this.refunds = this.options.refund !== undefined;
  }

  /** The decision for `req`, or undefined when `skip` let it through uncounted. May throw (e.g. ERR_SLUICE_NO_CLIENT_KEY). */
  evaluate(req: Req): MaybePromise<RateLimitOutcome | undefined> {
    const skip = this.options.skip;
    if (skip !== undefined) {
      const skipped = skip(req);
      if (isThenable(skipped)) return Promise.resolve(skipped).then((yes) => (yes ? undefined : this.withKey(req)));
      if (skipped) return undefined;
    }
    return this.withKey(req);
  }

  private withKey(req: Req): MaybePromise<RateLimitOutcome> {
    const key = this.options.key(req);
    if (isThenable(key)) return Promise.resolve(key).then((resolved) => this.withCost(req, checkedKey(resolved)));
    return this.withCost(req, checkedKey(key));
  }

  private withCost(req: Req, key: string): MaybePromise<RateLimitOutcome> {
    const costOf = this.options.cost;
    if (costOf === undefined) return this.withPolicies(req, key, 1);
    const cost = costOf(req);
    if (isThenable(cost)) return Promise.resolve(cost).then((resolved) => this.withPolicies(req, key, resolved));
    return this.withPolicies(req, key, cost);
  }

  private withPolicies(req: Req, key: string, cost: number): MaybePromise<RateLimitOutcome> {
    const source = this.options.policies;
    if (source.fixed !== undefined) return this.decide(source.fixed, key, cost);
    const policies = source.perRequest(req);
    if (isThenable(policies)) {
      return Promise.resolve(policies).then((resolved: readonly Policy[]) => this.decide(source.cache.get(resolved), key, cost));
    }
    return this.decide(source.cache.get(policies), key, cost);
  }

  private decide(policySet: PolicySet, key: string, cost: number): MaybePromise<RateLimitOutcome> {
    const decision = policySet.limiter.decide(key, cost, 'consume');
    if (isThenable(decision)) return decision.then((resolved) => outcomeOf(resolved, policySet, key, cost));
    return outcomeOf(decision, policySet, key, cost);
  }

  /** Sets RateLimit-Policy / RateLimit (in the configured format), legacy headers and Retry-After. */
  writeHeaders<Target>(target: Target, sink: HeaderSink<Target>, outcome: RateLimitOutcome): void {
    writeRateLimitHeaders(target, sink, outcome, this.options.headers, this.options.legacyHeaders);
  }

  /** The status of a denial (429, or 503 for a degraded one), for `onLimited` to answer with. */
  limitedStatus(outcome: RateLimitOutcome): number {
    return limitedStatus(outcome.decision);
  }

  /** Status and RFC 9457 body for a denial (when no `onLimited` replaces it). */
  limitedResponse(outcome: RateLimitOutcome): LimitedResponse {
    return limitedResponse(outcome);
  }

  /**
   * Call once the response is complete: gives the cost back when `refund(statusCode)` says so.
   * Not for degraded decisions: nothing was charged in the primary store.
   */
  afterResponse(outcome: RateLimitOutcome, statusCode: number): void {
    const refund = this.options.refund;
    if (refund === undefined || outcome.decision.degraded !== undefined || !refund(statusCode)) return;
    const done = outcome.policySet.limiter.decide(outcome.key, outcome.cost, 'refund');
    // The limiter never rejects for store trouble; this only keeps a stray rejection quiet.
    if (isThenable(done)) done.then(undefined, ignore);
  }
}
