import {
  PROBLEM_CONTENT_TYPE,
  clientGone,
  isThenable,
  type HeaderSink,
  type RateLimitEngine,
  type RateLimitOutcome,
} from '@sluice/core';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler, onResponseHookHandler } from 'fastify';
import type { FastifyOnLimited } from './options.js';

/** Where a request's outcome waits for the onResponse refund check. */
export const kOutcome = Symbol('sluice.outcome');

type RequestWithOutcome = FastifyRequest & { [kOutcome]: RateLimitOutcome | null };

export type FastifyEngine = RateLimitEngine<FastifyRequest, FastifyOnLimited>;

const setHeader: HeaderSink<FastifyReply> = (reply, name, value) => {
  reply.header(name, value);
};

/** The route-level onRequest hook. Callback style, so a synchronous decision costs no promise. */
export function createOnRequest(engine: FastifyEngine): onRequestHookHandler {
  function deny(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction, outcome: RateLimitOutcome): void {
    const onLimited = engine.onLimited;
    if (onLimited === undefined) {
      const { status, problem } = engine.limitedResponse(outcome);
      reply.code(status).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
      return;
    }
    reply.code(engine.limitedStatus(outcome));
    let sent: void | Promise<void>;
    try {
      sent = onLimited(request, reply, outcome.decision);
    } catch (error) {
      done(error as Error);
      return;
    }
    if (isThenable(sent)) sent.then(undefined, done);
  }

  function proceed(
    request: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
    outcome: RateLimitOutcome | undefined,
  ): void {
    if (outcome === undefined) {
      done();
      return;
    }
    const decision = outcome.decision;
    request.rateLimit = decision;
    engine.writeHeaders(reply, setHeader, outcome);
    if (!decision.allowed) {
      deny(request, reply, done, outcome);
      return;
    }
    if (engine.refunds) (request as RequestWithOutcome)[kOutcome] = outcome;
    if (decision.delayMs > 0) {
      // Leaky-bucket shaping: hold the request its turn, unless the client leaves meanwhile.
      setTimeout(() => {
        if (!clientGone(request.raw)) done();
      }, decision.delayMs);
      return;
    }
    done();
  }

  return function sluiceRateLimit(request, reply, done) {
    let outcome: ReturnType<FastifyEngine['evaluate']>;
    try {
      outcome = engine.evaluate(request);
    } catch (error) {
      done(error as Error);
      return;
    }
    if (isThenable(outcome)) {
      outcome.then((resolved) => proceed(request, reply, done, resolved), done);
      return;
    }
    proceed(request, reply, done, outcome);
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
