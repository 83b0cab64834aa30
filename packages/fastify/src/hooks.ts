import { PROBLEM_CONTENT_TYPE, kDecision, watchResponse, type DecisionCarrier, type HttpFramework, type RateLimitEngine, type RateLimitOutcome } from '@sluice/core';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler, onResponseHookHandler } from 'fastify';
import type { FastifyOnLimited } from './options.js';

/** Where a request's outcome waits for the onResponse refund check. */
export const kOutcome = Symbol('sluice.outcome');

type RequestWithOutcome = FastifyRequest & { [kOutcome]: RateLimitOutcome | null };

export type FastifyEngine = RateLimitEngine<FastifyRequest, FastifyOnLimited>;

/** Fastify's `done`; the awaitable hook adds `replied`, called once a denial's response is sent. */
type FastifyNext = HookHandlerDoneFunction & { replied?: (reply: FastifyReply) => void };

/**
 * Fastify's primitives for the engine's request flow (module-level: no closure per request).
 * The request itself carries the decisions, in fields the plugin declared (no shape change).
 * Headers go through `reply.header`: writing them on the raw response instead would push
 * Node's writeHead onto its slow path, which then re-sets every header Fastify collected.
 */
export const fastifyFramework: HttpFramework<FastifyRequest, FastifyReply, FastifyNext, FastifyOnLimited> = {
  carrier: (request) => request as unknown as DecisionCarrier,
  expose(request, carrier) {
    request.rateLimit = carrier[kDecision] ?? null;
  },
  setHeader(reply, name, value) {
    reply.header(name, value);
  },
  proceed(request, reply, done) {
    done();
  },
  fail(request, reply, done, error) {
    done(error as Error);
  },
  sendProblem(request, reply, status, body) {
    reply.code(status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
  },
  callOnLimited(onLimited, request, reply, status, decision) {
    reply.code(status);
    return onLimited(request, reply, decision);
  },
  denied(request, reply, done) {
    done.replied?.(reply);
  },
  raw: (request) => request.raw,
  rawResponse: (request, reply) => reply.raw,
  // The handler is done when the reply was sent (Fastify ends the raw response), also after the client left.
  proceedAndWatch(request, reply, done, watch) {
    watchResponse(reply.raw, watch);
    done();
  },
  abandon() {},
  afterResponse(request, reply, engine, outcome) {
    (request as RequestWithOutcome)[kOutcome] = outcome;
  },
};

/** The route-level onRequest hook. Callback style, so a synchronous decision costs no promise. */
export function createOnRequest(engine: FastifyEngine): onRequestHookHandler {
  return function sluiceRateLimit(request, reply, done) {
    engine.handle(fastifyFramework, request, reply, done);
  };
}

/**
 * An async hook for `onRequest` / `preHandler` options (setNotFoundHandler, WebSocket routes)
 * and for awaiting inside a handler or GraphQL resolver: resolves once the request may go on,
 * or, after a denial, with the reply it sent (`reply.sent` is then true); rejects with a
 * callback's error.
 */
export type FastifyRateLimitHook = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

export function createAsyncHook(engine: FastifyEngine): FastifyRateLimitHook {
  return function sluiceRateLimitHook(request, reply) {
    return new Promise((resolve, reject) => {
      const done: FastifyNext = (error?: Error) => (error === undefined ? resolve(undefined) : reject(error));
      done.replied = resolve;
      engine.handle(fastifyFramework, request, reply, done);
    });
  };
}

/** The route-level onResponse hook, added only with `refund`. */
export function createOnResponse(engine: FastifyEngine): onResponseHookHandler {
  return function sluiceRefund(request, reply, done) {
    const outcome = (request as RequestWithOutcome)[kOutcome];
    if (outcome !== null && outcome !== undefined) engine.afterResponse(outcome, reply.statusCode);
    done();
  };
}
