import { RateLimitEngine } from '@sluice/core';
import type { Context, Middleware, Next } from 'koa';
import './augment.js';
import { koaFramework } from './framework.js';
import type { KoaOnLimited, KoaRateLimitOptions } from './options.js';
import { koaAccess } from './request-access.js';

export type { KoaOnLimited, KoaRateLimitOptions } from './options.js';

/**
 * Koa middleware for `app.use()` and @koa/router routes. Options are validated here, once. A
 * callback that throws or rejects before the response rejects the middleware (Koa's error
 * handling); after it (`refund`), it goes to `onCallbackError`. Handlers read the decision as
 * `ctx.state.rateLimit` (the binding one) and `ctx.state.rateLimits` (all, in order).
 */
export function rateLimit(options: KoaRateLimitOptions): Middleware {
  const engine = new RateLimitEngine<Context, KoaOnLimited>(options, koaAccess);
  return function sluiceRateLimit(ctx: Context, next: Next): unknown {
    return engine.handle(koaFramework, ctx, ctx, next);
  };
}
