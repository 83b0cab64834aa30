import type { Decision } from '@sluice/core';
import type { FastifyRateLimitOptions } from './options.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The rate-limit decision for this request (null when skipped or not limited). */
    rateLimit: Decision | null;
  }
  interface FastifyContextConfig {
    /** Options for this route, merged over the plugin's; false turns rate limiting off here. */
    rateLimit?: FastifyRateLimitOptions | false;
  }
}

export {};
