import { type AdaptiveLimiter, LoadShedder, type LoadSheddingOptions, PROBLEM_CONTENT_TYPE, type Priority } from '@sluice/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { expressFramework } from './framework.js';

/** Options of Express's `loadShedding`: see LoadSheddingOptions in @sluice/core; callbacks get `req`. */
export type ExpressLoadSheddingOptions = LoadSheddingOptions<Request>;

/** The middleware, with the limiter it admits by (`limit`, `inFlight`, `stats()` for metrics). */
export type LoadSheddingMiddleware = RequestHandler & {
  /** The adaptive concurrency limiter this middleware admits by: `limit`, `inFlight`, `stats()`. */
  readonly limiter: AdaptiveLimiter };

/**
 * Adaptive load shedding for `app.use()` (per process): admits a request while the adaptive
 * concurrency limit of its priority has room, else answers 503 with Retry-After and a
 * problem+json body without calling the next handler. The slot is held until the handler is
 * done (it ended the response, also after the client left), or, once the client left, at most a
 * grace period of 4x the limiter's baseline latency (then counted as a drop). Options are validated here, once (InvalidOptionError naming
 * the option); a `priority(req)` that throws or returns something else reaches `next(error)`.
 * Mount it before the rate limiter, so a shed request spends no quota.
 */
export function loadShedding(options: ExpressLoadSheddingOptions = {}): LoadSheddingMiddleware {
  const shedder = new LoadShedder<Request>(options);
  const middleware = function sluiceLoadShedding(req: Request, res: Response, next: NextFunction): void {
    let priority: Priority;
    try {
      priority = shedder.priority(req);
    } catch (error) {
      next(error);
      return;
    }
    const slot = shedder.acquire(priority, res);
    if (slot !== undefined) {
      expressFramework.proceedAndWatch!(req, res, next, slot);
      return;
    }
    const shed = shedder.shedResponse(priority);
    res.statusCode = shed.status;
    res.setHeader('Retry-After', shed.retryAfter);
    res.setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
    res.end(shed.body);
  };
  Object.defineProperty(middleware, 'limiter', { value: shedder.limiter, enumerable: true });
  return middleware as LoadSheddingMiddleware;
}
