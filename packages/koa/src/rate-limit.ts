import { RateLimitEngine, type Limiter, type LimiterEvents } from '@sluice/core';
import type { Context, Middleware, Next } from 'koa';
import './augment.js';
import { koaFramework } from './framework.js';
import type { KoaOnLimited, KoaRateLimitOptions } from './options.js';
import { koaAccess } from './request-access.js';

export type { KoaOnLimited, KoaRateLimitOptions } from './options.js';

/** The middleware, with the limiter's events (for metrics) and the limiter it decides with. */
export type SluiceMiddleware = Middleware & {
  /** The limiter's events: decision, degraded, storeError, breaker, blockCacheHit. */
  readonly events: LimiterEvents;
  /** The limiter; with per-request `policies`, the first set's (undefined before the first request). */
  readonly limiter: Limiter | undefined;
  /** Requests waiting for their turn now (option `wait`; 0 without it). */
  readonly waiting: number;
};

/**
 * Koa middleware for `app.use()` and @koa/router routes. Options are validated here, once: a
 * bad option throws InvalidOptionError naming it (ERR_SLUICE_INVALID_OPTION, or
 * ERR_SLUICE_UNKNOWN_OPTION for a misspelt name). A
 * callback that throws or rejects before the response rejects the middleware (Koa's error
 * handling); after it (`refund`), it goes to `onCallbackError`. Handlers read the decision as
 * `ctx.state.rateLimit` (the binding one) and `ctx.state.rateLimits` (all, in order).
 */
export function rateLimit(options: KoaRateLimitOptions): SluiceMiddleware {
  const engine = new RateLimitEngine<Context, KoaOnLimited>(options, koaAccess);
  const middleware = function sluiceRateLimit(ctx: Context, next: Next): unknown {
    return engine.handle(koaFramework, ctx, ctx, next);
  };
  Object.defineProperty(middleware, 'events', { value: engine.events, enumerable: true });
  Object.defineProperty(middleware, 'limiter', { get: () => engine.limiter, enumerable: true });
  Object.defineProperty(middleware, 'waiting', { get: () => engine.waiting, enumerable: true });
  return middleware as SluiceMiddleware;
}
