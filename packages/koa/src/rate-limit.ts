import {
  PROBLEM_CONTENT_TYPE,
  RateLimitEngine,
  clientGone,
  isThenable,
  holdFor,
  type Decision,
  type HeaderSink,
  type RateLimitOptions,
  type RateLimitOutcome,
} from '@sluice/core';
import type { Context, Middleware, Next } from 'koa';
import './augment.js';
import { koaAccess } from './request-access.js';

/** Sets a custom response (ctx.status / ctx.body) for a denied request; the rate-limit headers are already set. */
export type KoaOnLimited = (ctx: Context, decision: Decision) => void | Promise<void>;

/** Functions receive the Koa context (`key(ctx)`, `cost(ctx)`, `skip(ctx)`, `policies(ctx)`). */
export type KoaRateLimitOptions = RateLimitOptions<Context, KoaOnLimited>;

const setHeader: HeaderSink<Context> = (ctx, name, value) => {
  ctx.set(name, value);
};

/**
 * Koa middleware for `app.use()` and @koa/router routes. Options are validated here, once. A
 * callback that throws or rejects before the response rejects the middleware (Koa's error
 * handling); after it (`refund`), it goes to `onCallbackError`.
 */
export function rateLimit(options: KoaRateLimitOptions): Middleware {
  const engine = new RateLimitEngine<Context, KoaOnLimited>(options, koaAccess);

  function deny(ctx: Context, outcome: RateLimitOutcome): void | Promise<void> {
    if (engine.onLimited !== undefined) {
      ctx.status = engine.limitedStatus(outcome);
      return engine.onLimited(ctx, outcome.decision);
    }
    const { status, problem } = engine.limitedResponse(outcome);
    ctx.status = status;
    ctx.set('Content-Type', PROBLEM_CONTENT_TYPE);
    ctx.body = JSON.stringify(problem);
  }

  async function hold(ctx: Context, next: Next, delayMs: number): Promise<void> {
    await holdFor(delayMs);
    if (clientGone(ctx.req)) {
      // Leave the dead connection alone instead of running the route for nobody.
      ctx.respond = false;
      return;
    }
    await next();
  }

  function proceed(ctx: Context, next: Next, outcome: RateLimitOutcome | undefined): unknown {
    if (outcome === undefined) return next();
    const decision = outcome.decision;
    engine.record(ctx, ctx.state, ctx, setHeader, outcome);
    if (!decision.allowed) return deny(ctx, outcome);
    if (engine.refunds) ctx.res.once('finish', () => engine.afterResponse(outcome, ctx.res.statusCode));
    if (decision.delayMs > 0) return hold(ctx, next, decision.delayMs);
    return next();
  }

  return function sluiceRateLimit(ctx: Context, next: Next): unknown {
    let outcome: ReturnType<typeof engine.evaluate>;
    try {
      outcome = engine.evaluate(ctx);
    } catch (error) {
      return Promise.reject(error);
    }
    if (isThenable(outcome)) return outcome.then((resolved) => proceed(ctx, next, resolved));
    return proceed(ctx, next, outcome);
  };
}
