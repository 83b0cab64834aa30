import { type AdaptiveLimiter, LoadShedder, type LoadSheddingOptions, PROBLEM_CONTENT_TYPE, type Priority } from '@sluice/core';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { fastifyFramework } from './hooks.js';

/** Options of Fastify's `loadShedding`: see LoadSheddingOptions in @sluice/core; callbacks get `request` (body not parsed yet). */
export type FastifyLoadSheddingOptions = LoadSheddingOptions<FastifyRequest>;

/** An onRequest hook, with the limiter it admits by (`limit`, `inFlight`, `stats()` for metrics). */
export type LoadSheddingHook = onRequestHookHandler & {
  /** The adaptive concurrency limiter this hook admits by: `limit`, `inFlight`, `stats()`. */
  readonly limiter: AdaptiveLimiter };

/**
 * An onRequest hook that sheds load (per process), for one route (`onRequest: hook`) or a
 * context of your own (`fastify.addHook('onRequest', hook)`). A request is admitted while the
 * adaptive concurrency limit of its priority has room, else answered 503 with Retry-After and a
 * problem+json body. The slot is held until the handler is done (the reply was sent, also after the
 * client left), or, once the client left, at most 4x the limiter's baseline latency (a drop).
 * Options are validated here, once (InvalidOptionError naming the option); a `priority(request)`
 * that throws or returns something else reaches Fastify's error handler.
 */
export function loadSheddingHook(options: FastifyLoadSheddingOptions = {}): LoadSheddingHook {
  const shedder = new LoadShedder<FastifyRequest>(options);
  const hook: onRequestHookHandler = function sluiceLoadShedding(request, reply, done) {
    let priority: Priority;
    try {
      priority = shedder.priority(request);
    } catch (error) {
      done(error as Error);
      return;
    }
    const slot = shedder.acquire(priority, reply.raw);
    if (slot !== undefined) {
      fastifyFramework.proceedAndWatch!(request, reply, done, slot);
      return;
    }
    const shed = shedder.shedResponse(priority);
    reply.code(shed.status).header('retry-after', shed.retryAfter).header('content-type', PROBLEM_CONTENT_TYPE).send(shed.body);
  };
  Object.defineProperty(hook, 'limiter', { value: shedder.limiter, enumerable: true });
  return hook as LoadSheddingHook;
}

async function sluiceLoadShedding(fastify: FastifyInstance, options: FastifyLoadSheddingOptions): Promise<void> {
  fastify.addHook('onRequest', loadSheddingHook(options));
}

/**
 * The plugin: `await app.register(loadShedding, options)` sheds load on every route of the app
 * (register it before the rate limiter, so a shed request spends no quota). Pass `limiter:
 * createAdaptiveLimiter(...)` to read its figures.
 */
export const loadShedding = fp(sluiceLoadShedding, { fastify: '5.x', name: '@sluice/fastify-load-shedding' });
