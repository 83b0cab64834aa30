import { type AdaptiveLimiter, LoadShedder, type LoadSheddingOptions, PROBLEM_CONTENT_TYPE } from '@sluice/core';
import type { Context, Middleware, Next } from 'koa';
import { koaFramework } from './framework.js';

/** Options of Koa's `loadShedding`: see LoadSheddingOptions in @sluice/core; callbacks get `ctx`. */
export type KoaLoadSheddingOptions = LoadSheddingOptions<Context>;

/** The middleware, with the limiter it admits by (`limit`, `inFlight`, `stats()` for metrics). */
export type LoadSheddingMiddleware = Middleware & {
  /** The adaptive concurrency limiter this middleware admits by: `limit`, `inFlight`, `stats()`. */
  readonly limiter: AdaptiveLimiter };

/**
 * Adaptive load shedding for `app.use()` (per process): admits a request while the adaptive
 * concurrency limit of its priority has room, else answers 503 with Retry-After and a
 * problem+json body without calling `next`. The slot is held until downstream is done (`next()`
 * settled, also when a later middleware throws, and the response closed), or, once the client
 * left, at most 4x the limiter's baseline latency (then counted as a drop). Options are
 * validated here, once (InvalidOptionError naming the option); a `priority(ctx)` that throws
 * rejects the middleware (Koa's error handling). Mount it before the rate limiter.
 */
export function loadShedding(options: KoaLoadSheddingOptions = {}): LoadSheddingMiddleware {
  const shedder = new LoadShedder<Context>(options);
  const middleware = function sluiceLoadShedding(ctx: Context, next: Next): unknown {
    const priority = shedder.priority(ctx);
    const slot = shedder.acquire(priority, ctx.res);
    if (slot !== undefined) return koaFramework.proceedAndWatch!(ctx, ctx, next, slot);
    const shed = shedder.shedResponse(priority);
    ctx.status = shed.status;
    ctx.set('Retry-After', shed.retryAfter);
    ctx.set('Content-Type', PROBLEM_CONTENT_TYPE);
    ctx.body = shed.body;
    return undefined;
  };
  Object.defineProperty(middleware, 'limiter', { value: shedder.limiter, enumerable: true });
  return middleware as LoadSheddingMiddleware;
}
