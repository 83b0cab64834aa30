import { PROBLEM_CONTENT_TYPE, decisionOf, decisionsOf, watchSettled, type DecisionCarrier, type HttpFramework } from '@sluice/core';
import type { Context, Next } from 'koa';
import type { KoaOnLimited } from './options.js';

/**
 * Koa's primitives for the engine's request flow (module-level: no closure per request). The
 * middleware gets `(ctx, next)`: the context is both the request and the response here.
 * Decisions live on `ctx.state`, where handlers read `rateLimit` and `rateLimits`.
 */
export const koaFramework: HttpFramework<Context, Context, Next, KoaOnLimited> = {
  carrier: (ctx) => ctx.state as DecisionCarrier,
  expose(ctx, carrier) {
    const state = ctx.state as { rateLimit?: unknown; rateLimits?: unknown };
    state.rateLimit = decisionOf(carrier);
    state.rateLimits = decisionsOf(carrier);
  },
  // Node's setHeader directly: ctx.set goes through two delegations and its own checks to get there.
  setHeader(ctx, name, value) {
    const res = ctx.res;
    if (!res.headersSent) res.setHeader(name, value);
  },
  proceed: (ctx, res, next) => next(),
  fail: (ctx, res, next, error) => Promise.reject(error),
  sendProblem(ctx, res, status, body) {
    ctx.status = status;
    ctx.set('Content-Type', PROBLEM_CONTENT_TYPE);
    ctx.body = body;
  },
  callOnLimited(onLimited, ctx, res, status, decision) {
    ctx.status = status;
    return onLimited(ctx, decision);
  },
  denied() {},
  raw: (ctx) => ctx.req,
  rawResponse: (ctx) => ctx.res,
  // Koa skips res.end once the socket is gone: downstream is done when next()'s promise settles.
  proceedAndWatch(ctx, res, next, watch) {
    const proceeded = next();
    watchSettled(ctx.res, proceeded, watch);
    return proceeded;
  },
  abandon(ctx) {
    // Leave the dead connection alone instead of running the route for nobody.
    ctx.respond = false;
  },
  afterResponse(ctx, res, engine, outcome) {
    ctx.res.once('finish', () => engine.afterResponse(outcome, ctx.res.statusCode));
  },
};
