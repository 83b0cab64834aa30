import {
  PROBLEM_CONTENT_TYPE,
  RateLimitEngine,
  clientGone,
  isThenable,
  type Decision,
  type HeaderSink,
  type RateLimitOptions,
  type RateLimitOutcome,
} from '@sluice/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import './augment.js';
import { expressAccess } from './request-access.js';

/** Sends a custom response for a denied request; the rate-limit headers and Retry-After are already set. */
export type ExpressOnLimited = (req: Request, res: Response, decision: Decision) => void | Promise<void>;

export type ExpressRateLimitOptions = RateLimitOptions<Request, ExpressOnLimited>;

const setHeader: HeaderSink<Response> = (res, name, value) => {
  res.setHeader(name, value);
};

/**
 * Express middleware for `app.use()`, a router, or a single route. Options are validated here,
 * once; a bad option throws a typed error naming it. A callback that throws or rejects before
 * the response reaches Express's error handling (`next(error)`); after it (`refund`), it goes
 * to `onCallbackError`.
 */
export function rateLimit(options: ExpressRateLimitOptions): RequestHandler {
  const engine = new RateLimitEngine<Request, ExpressOnLimited>(options, expressAccess);

  function deny(req: Request, res: Response, next: NextFunction, outcome: RateLimitOutcome): void {
    const onLimited = engine.onLimited;
    if (onLimited !== undefined) {
      res.statusCode = engine.limitedStatus(outcome);
      let sent: void | Promise<void>;
      try {
        sent = onLimited(req, res, outcome.decision);
      } catch (error) {
        next(error);
        return;
      }
      if (isThenable(sent)) sent.then(undefined, next);
      return;
    }
    const { status, problem } = engine.limitedResponse(outcome);
    res.statusCode = status;
    res.setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
    res.end(JSON.stringify(problem));
  }

  function proceed(req: Request, res: Response, next: NextFunction, outcome: RateLimitOutcome | undefined): void {
    if (outcome === undefined) {
      next();
      return;
    }
    const decision = outcome.decision;
    engine.record(req, req, res, setHeader, outcome);
    if (!decision.allowed) {
      deny(req, res, next, outcome);
      return;
    }
    if (engine.refunds) res.once('finish', () => engine.afterResponse(outcome, res.statusCode));
    if (decision.delayMs > 0) {
      // Leaky-bucket shaping: hold the request its turn (at most maxDelayMs), unless the client leaves meanwhile.
      setTimeout(() => {
        if (!clientGone(req)) next();
      }, decision.delayMs);
      return;
    }
    next();
  }

  return function sluiceRateLimit(req: Request, res: Response, next: NextFunction): void {
    let outcome: ReturnType<typeof engine.evaluate>;
    try {
      outcome = engine.evaluate(req);
    } catch (error) {
      next(error);
      return;
    }
    if (isThenable(outcome)) {
      // The second `then` also catches what proceed throws (e.g. headers already sent by a
      // timeout middleware while a key lookup was pending): never an unhandled rejection.
      outcome.then((resolved) => proceed(req, res, next, resolved)).then(undefined, next);
      return;
    }
    proceed(req, res, next, outcome);
  };
}
