import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Decision } from '../limiter/decision.js';
import type { HandlerWatch } from './handler-done.js';
import type { RateLimitOutcome } from './outcome.js';
import type { DecisionCarrier } from './stack.js';

/** The engine as `HttpFramework.afterResponse` sees it. */
export interface RefundingEngine {
  /** Gives the cost back when `refund(statusCode)` says so; never throws. */
  afterResponse(outcome: RateLimitOutcome, statusCode: number): void;
}

/**
 * The few primitives of one web framework that the engine's single request flow needs
 * (`RateLimitEngine.handle`). An adapter defines one object of module-level functions, so a
 * request costs no closure. `Req`, `Res` and `Next` are what the framework's middleware receives
 * (Express `req, res, next`; Koa `ctx, ctx, next`; Fastify `request, reply, done`); the results
 * of `proceed`, `fail` and `denied` are what the middleware returns (Koa: a promise).
 */
export interface HttpFramework<Req, Res, Next, OnLimited> {
  /** Where this request's decisions are recorded (Express `res.locals`, Koa `ctx.state`, Fastify `request`). */
  carrier(req: Req, res: Res): DecisionCarrier;
  /** Makes the decisions recorded on `carrier` visible to handlers, once they are recorded (e.g. `ctx.state.rateLimit`). */
  expose(req: Req, carrier: DecisionCarrier): void;
  /** Sets one response header, the cheapest way the framework allows. */
  setHeader(res: Res, name: string, value: string): void;
  /** Continues to the next middleware or handler. */
  proceed(req: Req, res: Res, next: Next): unknown;
  /** Hands an error raised before the response to the framework's error handling. */
  fail(req: Req, res: Res, next: Next, error: unknown): unknown;
  /** Sends the default denial: `status` with an RFC 9457 problem+json `body` (the rate-limit headers are set). */
  sendProblem(req: Req, res: Res, status: number, body: string): void;
  /** Sets the status a custom `onLimited` answers with, then calls it. */
  callOnLimited(onLimited: OnLimited, req: Req, res: Res, status: number, decision: Decision): void | PromiseLike<void>;
  /** The denial's response is complete (Fastify's awaitable hook resolves here; others return nothing). */
  denied(req: Req, res: Res, next: Next): unknown;
  /** The Node request under `req`: a leaky-bucket hold checks it to see whether the client left. */
  raw(req: Req): IncomingMessage;
  /** The client left during a hold: end the request without running the route. */
  abandon(req: Req, res: Res, next: Next): unknown;
  /**
   * The Node response under `res`. Optional for other adapters: without it (and without
   * `proceedAndWatch`) the engine releases a concurrency lease as soon as the request is
   * admitted (no in-flight limit).
   */
  rawResponse?(req: Req, res: Res): ServerResponse;
  /**
   * Continues like `proceed` and tells `watch` when the route's handler is done with the request
   * (`watch.handlerDone()`), and when the response closed before that (`watch.responseClosed()`,
   * the client left). Only requests holding a concurrency lease or a load-shedding slot come
   * here. Express and Fastify: `watchResponse` (the app ended the response, also after the
   * client left); Koa: `watchSettled` on `next()`'s promise. Without it the engine uses
   * `watchResponse` on `rawResponse`.
   */
  proceedAndWatch?(req: Req, res: Res, next: Next, watch: HandlerWatch): unknown;
  /** Calls `engine.afterResponse(outcome, status)` once the response is complete (only with `refund`). */
  afterResponse(req: Req, res: Res, engine: RefundingEngine, outcome: RateLimitOutcome): void;
}
