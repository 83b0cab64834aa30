import { IncomingMessage } from 'node:http';
import { PROBLEM_CONTENT_TYPE, decisionOf, decisionsOf, watchResponse, type DecisionCarrier, type HttpFramework } from '@sluice/core';
import type { NextFunction, Request, Response } from 'express';
import type { ExpressOnLimited } from './options.js';

/** Marks a request prototype (an app's `app.request`) that carries the `rateLimit` accessors. */
const kAccessors = Symbol.for('sluice.express.accessors');

/** The request's record of decisions: `res.locals`, which Express makes per request. */
function carrierOf(res: Response): DecisionCarrier {
  return (res.locals ??= Object.create(null) as Response['locals']) as DecisionCarrier;
}

/** Shadows the accessor with a plain property, as an assignment to `req.rateLimit` did before. */
function ownValue(target: object, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * `req.rateLimit` and `req.rateLimits` as accessors on the app's request prototype, defined
 * once: Express 5 re-prototypes every request, and adding a property to one costs microseconds,
 * while reading the decisions from `res.locals` costs nothing until a handler asks.
 */
function defineAccessors(proto: object): void {
  Object.defineProperty(proto, kAccessors, { value: true });
  Object.defineProperty(proto, 'rateLimit', {
    configurable: true,
    get(this: Request) {
      return decisionOf(this.res?.locals as DecisionCarrier | undefined);
    },
    set(this: Request, value: unknown) {
      ownValue(this, 'rateLimit', value);
    },
  });
  Object.defineProperty(proto, 'rateLimits', {
    configurable: true,
    get(this: Request) {
      return decisionsOf(this.res?.locals as DecisionCarrier | undefined);
    },
    set(this: Request, value: unknown) {
      ownValue(this, 'rateLimits', value);
    },
  });
}

/** The last request prototype known to carry the accessors (one app: every request). */
let exposedOn: object | null = null;

/** Express's primitives for the engine's request flow (module-level: no closure per request). */
export const expressFramework: HttpFramework<Request, Response, NextFunction, ExpressOnLimited> = {
  carrier: (req, res) => carrierOf(res),
  expose(req, carrier) {
    const proto = Object.getPrototypeOf(req) as object | null;
    if (proto === exposedOn) return;
    if (proto === null || proto === IncomingMessage.prototype || (req as { res?: unknown }).res === undefined) {
      // Not inside an Express app (a bare router): no app prototype to define accessors on.
      ownValue(req, 'rateLimit', decisionOf(carrier));
      ownValue(req, 'rateLimits', decisionsOf(carrier));
      return;
    }
    if (!Object.hasOwn(proto, kAccessors)) defineAccessors(proto);
    exposedOn = proto;
  },
  setHeader(res, name, value) {
    res.setHeader(name, value);
  },
  proceed(req, res, next) {
    next();
  },
  fail(req, res, next, error) {
    next(error);
  },
  sendProblem(req, res, status, body) {
    res.statusCode = status;
    res.setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
    res.end(body);
  },
  callOnLimited(onLimited, req, res, status, decision) {
    res.statusCode = status;
    return onLimited(req, res, decision);
  },
  denied() {},
  raw: (req) => req,
  rawResponse: (req, res) => res,
  // The handler is done when the app ended the response (res.end, which res.send calls), also after the client left.
  proceedAndWatch(req, res, next, watch) {
    watchResponse(res, watch);
    next();
  },
  abandon() {},
  afterResponse(req, res, engine, outcome) {
    res.once('finish', () => engine.afterResponse(outcome, res.statusCode));
  },
};
