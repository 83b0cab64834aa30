import type { Decision, RateLimitOptions } from '@sluice/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Sends a custom response for a denied request (status and rate-limit headers are already set). */
export type FastifyOnLimited = (request: FastifyRequest, reply: FastifyReply, decision: Decision) => void | Promise<void>;

/** Options for the plugin and for a route's `config.rateLimit`. */
export type FastifyRateLimitOptions = RateLimitOptions<FastifyRequest, FastifyOnLimited>;

export interface FastifyRateLimitPluginOptions extends FastifyRateLimitOptions {
  /**
   * Limit every route (default true). With false, only routes whose `config.rateLimit` is an
   * options object are limited, and the plugin options are defaults those routes inherit.
   */
  global?: boolean;
}
