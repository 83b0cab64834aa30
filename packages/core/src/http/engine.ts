import { noClientKeyError } from '../keys/no-client-key.js';
import type { RequestAccess } from '../keys/request-access.js';
import type { WarningHandler } from '../keys/warnings.js';
import { CALLBACK_THREW } from '../limiter/create-limiter.js';
import type { Decision } from '../limiter/decision.js';
import type { MaybePromise } from '../store/types.js';
import type { HttpFramework, RefundingEngine } from './framework.js';
import { clientGone, holdFor } from './hold.js';
import { refusedHold } from './long-hold.js';
import { LeaseKeeper } from './lease-keeper.js';
import { type HandlerWatch, watchResponse } from './handler-done.js';
import { resolveRateLimitOptions, type RateLimitOptions, type ResolvedRateLimitOptions } from './options.js';
import type { RateLimitOutcome } from './outcome.js';
import type { PolicySet } from './policy-set.js';
import { limitedResponse, limitedStatus } from './problem.js';
import { writeRateLimitHeaders } from './response-headers.js';
import { decidedBefore, recordDecision, type DecisionCarrier } from './stack.js';
import { callSafely } from '../safe-call.js';
import { isThenable } from './thenable.js';
import type { EventHub } from '../events/hub.js';
import { enforcedHeaders, enforcedOnly } from '../shadow/header-view.js';
import type { LimiterEvents } from '../events/types.js';
import type { Limiter } from '../limiter/limiter.js';
import { AccessLists } from './access-lists.js';

/** Where handlers read the decisions: Express `req`, Koa `ctx.state`, Fastify `request`. */
export interface ExposedDecisions {
  /** The binding decision (`req.rateLimit`): the only one, or the most restrictive of several middlewares'. */
  rateLimit?: Decision | null;
  /** Every Sluice middleware's decision on this request, in order (`req.rateLimits`). */
  rateLimits?: Decision[] | null;
}

function checkedKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) throw noClientKeyError(`key() returned ${key === '' ? 'an empty string' : String(key)}`);
  return key;
}

/** The step a request's flow waits on when a callback returned a promise. */
const enum Step {
  Skip,
  Key,
  /** allowList / denyList (access-lists.ts): after the key, before any store call. */
  Listed,
  Cost,
  Policies,
}

/**
 * What a callback threw, as an Error for the framework's error handling. Express and Fastify read
 * `next(undefined)`, `next(null)` and `next('route')` as "carry on", so a callback throwing such a
 * value would otherwise skip the limiter.
 */
function asError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  let shown: string;
  try {
    shown = String(thrown);
  } catch {
    shown = 'an unprintable value';
  }
  return new Error(`A rate-limit callback failed with a value that is not an Error: ${shown}`, { cause: thrown });
}

/**
 * The framework-agnostic middleware: one flow from request to response, which each adapter
 * feeds with its framework's primitives (`HttpFramework`): skip → key → cost → policy set →
 * decision, then the headers, the denial response or a leaky-bucket hold, and refunds.
 *
 * `handle` is synchronous while its inputs are (the memory store, plain functions): the common
 * request allocates no promise, closure or outcome object, only the decision. When a callback or
 * the store returns a promise, the flow continues asynchronously from that step.
 *
 * Errors: before the response, whatever a user callback throws or rejects with (and a bad
 * `cost` or key) goes to `framework.fail` (the framework's error handling). After the response
 * (refund) nothing is thrown: errors go to `onCallbackError`.
 */
export class RateLimitEngine<Req extends object, OnLimited = unknown> implements RefundingEngine {
  private readonly options: ResolvedRateLimitOptions<Req, OnLimited>;
  /** The user's `onLimited`, if any. */
  readonly onLimited: OnLimited | undefined;
  /** True when `refund` is set: adapters then watch for the response's status. */
  readonly refunds: boolean;
  /** Where this middleware's one-time configuration warnings go (adapters warn through it too). */
  readonly onWarning: WarningHandler;
  /** The events of the limiter(s) this middleware decides with (adapters expose them as `middleware.events`). */
  readonly events: LimiterEvents;
  /**
   * Reports an error after the response; one bound function, not a closure per request. An
   * `onCallbackError` that throws or rejects ends as a process warning, never in the event loop.
   */
  private readonly report = (error: unknown): void => {
    callSafely(this.options.onCallbackError, error, this.reportFailed);
  };

  /** `onCallbackError` itself failed: a warning through `onWarning` (whose own failure callSafely catches). */
  private readonly reportFailed = (error: unknown): unknown =>
    this.onWarning({ code: CALLBACK_THREW, message: `Sluice: the onCallbackError hook threw: ${String(error)}` });

  /** Validates `options` (typed errors at construction); untyped callers' mistakes are caught here too. */
  /**
   * `events`: an EventHub to report to (an adapter sharing one across its engines, e.g. Fastify's
   * plugin and its route overrides); used when the limiter is built inline on the hub's store.
   */
  constructor(options: RateLimitOptions<Req, OnLimited>, access: RequestAccess<Req>, extraOptionKeys: readonly string[] = [], events?: EventHub) {
    this.options = resolveRateLimitOptions<Req, OnLimited>(options, access, extraOptionKeys, events);
    this.events = this.options.events;
    this.onLimited = this.options.onLimited;
    this.refunds = this.options.refund !== undefined;
    this.onWarning = this.options.onWarning;
  }

  /** Requests waiting for their turn now (option `wait`; 0 without it). */
  get waiting(): number {
    return this.options.wait?.size ?? 0;
  }

  /** The limiter this middleware decides with; with per-request policies, the first set's (undefined before the first request). */
  get limiter(): Limiter | undefined {
    return this.options.limiter();
  }

  /**
   * Limits one request through `framework`'s primitives and returns what the framework's
   * middleware should return (Koa: a promise; Express and Fastify: ignore it). Never throws: an
   * error goes to `framework.fail`.
   */
  handle<Res, Next>(framework: HttpFramework<Req, Res, Next, OnLimited>, req: Req, res: Res, next: Next): unknown {
    const options = this.options;
    let key: string;
    let cost = 1;
    let policySet: PolicySet;
    let carrier: DecisionCarrier;
    let decision: MaybePromise<Decision>;
    try {
      if (options.skip !== undefined) {
        const skipped = options.skip(req);
        if (isThenable(skipped)) return this.resume(framework, req, res, next, Step.Skip, skipped, '', 1);
        if (skipped) return framework.proceed(req, res, next);
      }
      const rawKey = options.key(req);
      if (isThenable(rawKey)) return this.resume(framework, req, res, next, Step.Key, rawKey, '', 1);
      key = checkedKey(rawKey);
      if (options.lists !== undefined) {
        const listed = options.lists.match(req, key);
        if (isThenable(listed)) return this.resume(framework, req, res, next, Step.Listed, listed, key, 1);
        if (listed !== undefined) return AccessLists.answer(framework, req, res, next, listed);
      }
      if (options.cost !== undefined) {
        const rawCost = options.cost(req);
        if (isThenable(rawCost)) return this.resume(framework, req, res, next, Step.Cost, rawCost, key, 1);
        cost = rawCost;
      }
      const source = options.policies;
      if (source.fixed !== undefined) policySet = source.fixed;
      else {
        const policies = source.perRequest(req);
        if (isThenable(policies)) return this.resume(framework, req, res, next, Step.Policies, policies, key, cost);
        policySet = source.cache.get(policies);
      }
      carrier = framework.carrier(req, res);
      if (decidedBefore(carrier, policySet)) return framework.proceed(req, res, next);
      decision = policySet.limiter.decide(key, cost, 'consume');
    } catch (error) {
      return framework.fail(req, res, next, asError(error));
    }
    if (isThenable(decision)) {
      return this.settle(
        framework,
        req,
        res,
        next,
        decision.then((resolved) => this.respond(framework, req, res, next, carrier, policySet, key, cost, resolved)),
      );
    }
    return this.respond(framework, req, res, next, carrier, policySet, key, cost, decision);
  }

  /** The rest of the flow once `pending` (the result of `step`) settles; `key` and `cost` hold what earlier steps gave. */
  private resume<Res, Next>(
    framework: HttpFramework<Req, Res, Next, OnLimited>,
    req: Req,
    res: Res,
    next: Next,
    step: Step,
    pending: PromiseLike<unknown>,
    key: string,
    cost: number,
  ): unknown {
    return this.settle(framework, req, res, next, this.continueFrom(framework, req, res, next, step, pending, key, cost));
  }

  private async continueFrom<Res, Next>(
    framework: HttpFramework<Req, Res, Next, OnLimited>,
    req: Req,
    res: Res,
    next: Next,
    step: Step,
    pending: PromiseLike<unknown>,
    key: string,
    cost: number,
  ): Promise<unknown> {
    const options = this.options;
    if (step === Step.Skip && (await pending)) return framework.proceed(req, res, next);
    if (step <= Step.Key) key = checkedKey(await (step === Step.Key ? pending : options.key(req)));
    if (step <= Step.Listed && options.lists !== undefined) {
      const listed = (await (step === Step.Listed ? pending : options.lists.match(req, key))) as 'allow' | 'deny' | undefined;
      if (listed !== undefined) return AccessLists.answer(framework, req, res, next, listed);
    }
    if (step <= Step.Cost && (step === Step.Cost || options.cost !== undefined)) {
      cost = (await (step === Step.Cost ? pending : options.cost!(req))) as number;
    }
    const source = options.policies;
    const policySet =
      source.fixed ?? source.cache.get((await (step === Step.Policies ? pending : source.perRequest(req))) as Parameters<typeof source.cache.get>[0]);
    const carrier = framework.carrier(req, res);
    if (decidedBefore(carrier, policySet)) return framework.proceed(req, res, next);
    const decision = await policySet.limiter.decide(key, cost, 'consume');
    return this.respond(framework, req, res, next, carrier, policySet, key, cost, decision);
  }

  /** Routes a rejection of the asynchronous part (including what `respond` throws) to `framework.fail`. */
  private settle<Res, Next>(framework: HttpFramework<Req, Res, Next, OnLimited>, req: Req, res: Res, next: Next, flow: PromiseLike<unknown>): unknown {
    return Promise.resolve(flow).then(undefined, (error: unknown) => framework.fail(req, res, next, asError(error)));
  }

  /**
   * Records the decision on the request (several Sluice middlewares may decide on one), writes
   * RateLimit-Policy / RateLimit (in the configured format), legacy headers and Retry-After over
   * every decision so far, exposes them, then denies, holds or continues.
   */
  private respond<Res, Next>(
    framework: HttpFramework<Req, Res, Next, OnLimited>,
    req: Req,
    res: Res,
    next: Next,
    carrier: DecisionCarrier,
    policySet: PolicySet,
    key: string,
    cost: number,
    decision: Decision,
    waited = false,
  ): unknown {
    const options = this.options;
    if (!decision.allowed && !waited && options.wait !== undefined) {
      // Server-side waiting (wait-queue.ts): the request waits for its turn instead of a 429, if it fits.
      const turn = options.wait.enqueue(framework, req, res, policySet.limiter, key, cost, decision);
      if (turn !== undefined) {
        const after = (admitted: Decision | undefined): unknown =>
          admitted === undefined ? framework.abandon(req, res, next) : this.respond(framework, req, res, next, carrier, policySet, key, cost, admitted, true);
        return this.settle(framework, req, res, next, turn.then(after));
      }
    }
    if (decision.delayMs > options.maxDelayMs) {
      // Too long to hold the connection: refuse instead, and give back what the store just charged.
      this.giveBack(policySet, key, cost);
      decision = refusedHold(decision, options.maxDelayMs, cost);
    }
    // A concurrency lease is held until the handler is done (lease-keeper.ts), not until the client leaves.
    const keeper = decision.lease === undefined ? undefined : this.keepLease(framework, decision);
    const stacked = recordDecision(carrier, policySet, decision);
    if (decision.shadow === undefined || options.shadowHeaders || stacked !== undefined) {
      writeRateLimitHeaders(res, framework.setHeader, policySet, decision, options.headers, options.legacyHeaders, stacked);
    } else {
      // Shadow policies stay out of the headers unless shadowHeaders: only the enforced ones show.
      const shown = enforcedHeaders(policySet, decision);
      if (shown !== undefined) writeRateLimitHeaders(res, framework.setHeader, shown.set, shown.decision, options.headers, options.legacyHeaders);
    }
    framework.expose(req, carrier);
    if (!decision.allowed) return this.deny(framework, req, res, next, decision.shadow === undefined ? decision : enforcedOnly(policySet, decision), cost);
    if (this.refunds) framework.afterResponse(req, res, this, { decision, policySet, key, cost });
    if (decision.delayMs > 0) return this.hold(framework, req, res, next, decision, policySet, key, cost, keeper);
    if (keeper === undefined) return framework.proceed(req, res, next);
    return this.proceedHolding(framework, req, res, next, keeper);
  }

  /** The default RFC 9457 response (429, or 503 when no store answered), or the user's `onLimited`. */
  private deny<Res, Next>(framework: HttpFramework<Req, Res, Next, OnLimited>, req: Req, res: Res, next: Next, decision: Decision, cost: number): unknown {
    const onLimited = this.options.onLimited;
    if (onLimited === undefined) {
      const { status, problem } = limitedResponse({ decision, cost });
      framework.sendProblem(req, res, status, JSON.stringify(problem));
      return framework.denied(req, res, next);
    }
    let sent: void | PromiseLike<void>;
    try {
      sent = framework.callOnLimited(onLimited, req, res, limitedStatus(decision), decision);
    } catch (error) {
      return framework.fail(req, res, next, asError(error));
    }
    if (isThenable(sent)) {
      return Promise.resolve(sent).then(
        () => framework.denied(req, res, next),
        (error: unknown) => framework.fail(req, res, next, asError(error)),
      );
    }
    return framework.denied(req, res, next);
  }

  /**
   * Leaky-bucket shaping: continues after `delayMs` (bounded by maxDelayMs), without blocking the
   * event loop, unless the client left: then the route does not run, so the charged cost is given
   * back (as for a hold refused beyond maxDelayMs) and the lease released.
   */
  private hold<Res, Next>(
    framework: HttpFramework<Req, Res, Next, OnLimited>,
    req: Req,
    res: Res,
    next: Next,
    decision: Decision,
    policySet: PolicySet,
    key: string,
    cost: number,
    keeper: LeaseKeeper | undefined,
  ): Promise<unknown> {
    return holdFor(decision.delayMs).then(() => {
      if (!clientGone(framework.raw(req))) return keeper === undefined ? framework.proceed(req, res, next) : this.proceedHolding(framework, req, res, next, keeper);
      keeper?.handlerDone();
      // A failure-policy decision charged no store: nothing to give back.
      if (decision.degraded === undefined) this.giveBack(policySet, key, cost);
      return framework.abandon(req, res, next);
    });
  }

  /** Continues, holding `watch` (a lease) until the handler is done. */
  private proceedHolding<Res, Next>(framework: HttpFramework<Req, Res, Next, OnLimited>, req: Req, res: Res, next: Next, watch: HandlerWatch): unknown {
    if (framework.proceedAndWatch !== undefined) return framework.proceedAndWatch(req, res, next, watch);
    watchResponse(framework.rawResponse!(req, res), watch);
    return framework.proceed(req, res, next);
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

  /**
   * A keeper that renews the decision's lease until the handler is done, then releases it; for a
   * request refused after all, or a framework that cannot tell when its handler is done, the
   * lease is released at once (undefined). A failed renew or release is reported; the lease then
   * lapses after leaseMs.
   */
  private keepLease<Res, Next>(framework: HttpFramework<Req, Res, Next, OnLimited>, decision: Decision): LeaseKeeper | undefined {
    const lease = decision.lease!;
    if (decision.allowed && (framework.proceedAndWatch !== undefined || framework.rawResponse !== undefined)) return new LeaseKeeper(lease, this.report);
    lease.release().then(undefined, this.report);
    return undefined;
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
