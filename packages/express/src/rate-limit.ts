import { RateLimitEngine, type Limiter, type LimiterEvents } from '@sluice/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import './augment.js';
import { expressFramework } from './framework.js';
import type { ExpressOnLimited, ExpressRateLimitOptions } from './options.js';
import { expressAccess } from './request-access.js';

export type { ExpressOnLimited, ExpressRateLimitOptions } from './options.js';

/** The middleware, with the limiter's events (for metrics) and the limiter it decides with. */
export type SluiceRequestHandler = RequestHandler & {
  /** The limiter's events: decision, degraded, storeError, breaker, blockCacheHit. */
  readonly events: LimiterEvents;
  /** The limiter; with per-request `policies`, the first set's (undefined before the first request). */
  readonly limiter: Limiter | undefined;
  /** Requests waiting for their turn now (option `wait`; 0 without it). */
  readonly waiting: number;
};

/**
 * Express middleware for `app.use()`, a router, or a single route. Options are validated here,
 * once; a bad option throws InvalidOptionError naming it (ERR_SLUICE_INVALID_OPTION, or
 * ERR_SLUICE_UNKNOWN_OPTION for a misspelt name). A callback that throws or rejects before
 * the response reaches Express's error handling (`next(error)`); after it (`refund`), it goes
 * to `onCallbackError`. Handlers read the decision as `req.rateLimit` (the binding one) and
 * `req.rateLimits` (all, in order).
 */
export function rateLimit(options: ExpressRateLimitOptions): SluiceRequestHandler {
  const engine = new RateLimitEngine<Request, ExpressOnLimited>(options, expressAccess);
  const middleware = function sluiceRateLimit(req: Request, res: Response, next: NextFunction): void {
    engine.handle(expressFramework, req, res, next);
  };
  Object.defineProperty(middleware, 'events', { value: engine.events, enumerable: true });
  Object.defineProperty(middleware, 'limiter', { get: () => engine.limiter, enumerable: true });
  Object.defineProperty(middleware, 'waiting', { get: () => engine.waiting, enumerable: true });
  return middleware as SluiceRequestHandler;
}
