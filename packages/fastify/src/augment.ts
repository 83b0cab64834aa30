import type { Decision, Limiter, LimiterEvents } from '@sluice/core';
import type { FastifyRateLimitHook } from './hooks.js';
import type { FastifyRateLimitOptions } from './options.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The rate-limit decision for this request (null when skipped or not limited). With several
     * Sluice limits on one request (plugin scopes, `fastify.rateLimit()` hooks), the binding one.
     */
    rateLimit: Decision | null;
    /** Every Sluice decision made on this request, in order (null when none). */
    rateLimits: Decision[] | null;
  }
  interface FastifyContextConfig {
    /** Options for this route, merged over the plugin's; false turns rate limiting off here. */
    rateLimit?: FastifyRateLimitOptions | false;
  }
  interface FastifyInstance {
    /**
     * A hook that limits with the plugin's options, or with `options` merged over them (as a
     * route's `config.rateLimit`): for `setNotFoundHandler({ preHandler: fastify.rateLimit() })`,
     * WebSocket routes' `onRequest`, or `await fastify.rateLimit(opts)(request, reply)` in a
     * GraphQL resolver. Options are validated here, once: call it at startup, not per request.
     */
    rateLimit: {
      (options?: FastifyRateLimitOptions): FastifyRateLimitHook;
      /**
       * Events of the plugin's limiter (decision, degraded, storeError, breaker, blockCacheHit),
       * also reported by route overrides and hooks built inline on the plugin's store.
       */
      readonly events: LimiterEvents;
      /** The plugin's limiter (undefined until first needed with `global: false` or per-request policies). */
      readonly limiter: Limiter | undefined;
      /** Requests waiting for their turn now (option `wait`), in the plugin's engine and every route override. */
      readonly waiting: number;
    };
  }
}
