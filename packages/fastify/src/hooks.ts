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

/** Called once a denial's response is sent (the async hook resolves then); callback hooks pass `ignore`. */
type Replied = (reply: FastifyReply) => void;

const setHeader: HeaderSink<FastifyReply> = (reply, name, value) => {
  reply.header(name, value);
};

function ignore(): void {}

/**
 * Limits one request: headers, then `done()` to go on, or the denial response. Errors before
 * the response (callbacks, bad cost, no client key) go to `done(error)`: Fastify's error handler.
 */
function limit(
  engine: FastifyEngine,
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
  replied: Replied,
): void {
  let outcome: ReturnType<FastifyEngine['evaluate']>;
  try {
    outcome = engine.evaluate(request);
  } catch (error) {
    done(error as Error);
    return;
  }
  if (isThenable(outcome)) {
    // The second `then` also catches what proceed throws: never an unhandled rejection.
    outcome.then((resolved) => proceed(engine, request, reply, done, replied, resolved)).then(undefined, done);
    return;
  }
  proceed(engine, request, reply, done, replied, outcome);
}

function deny(
  engine: FastifyEngine,
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
  replied: Replied,
  outcome: RateLimitOutcome,
): void {
  const onLimited = engine.onLimited;
  if (onLimited === undefined) {
    const { status, problem } = engine.limitedResponse(outcome);
    reply.code(status).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
    replied(reply);
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
  if (isThenable(sent)) sent.then(() => replied(reply), done);
  else replied(reply);
}

function proceed(
  engine: FastifyEngine,
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
  replied: Replied,
  outcome: RateLimitOutcome | undefined,
): void {
  if (outcome === undefined) {
    done();
    return;
  }
  const decision = outcome.decision;
  engine.record(request, request, reply, setHeader, outcome);
  if (!decision.allowed) {
    deny(engine, request, reply, done, replied, outcome);
    return;
  }
  if (engine.refunds) (request as RequestWithOutcome)[kOutcome] = outcome;
  if (decision.delayMs > 0) {
    // Leaky-bucket shaping: hold the request its turn (at most maxDelayMs), unless the client leaves meanwhile.
    setTimeout(() => {
      if (!clientGone(request.raw)) done();
    }, decision.delayMs);
    return;
  }
  done();
}

/** The route-level onRequest hook. Callback style, so a synchronous decision costs no promise. */
export function createOnRequest(engine: FastifyEngine): onRequestHookHandler {
  return function sluiceRateLimit(request, reply, done) {
    limit(engine, request, reply, done, ignore);
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
      limit(engine, request, reply, (error?: Error) => (error === undefined ? resolve(undefined) : reject(error)), resolve);
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
