/**
 * Fastify plugin (global and per-route rate limits) and load shedding. See docs/fastify.md.
 *
 * @module @sluice/fastify
 */
export { rateLimit } from './plugin.js';
export type { FastifyRateLimitOptions, FastifyRateLimitPluginOptions, FastifyOnLimited } from './options.js';
export type { FastifyRateLimitHook } from './hooks.js';
export { keys } from './keys.js';
export { fastifyAccess } from './request-access.js';
export type { Decision } from '@sluice/core';
import './augment.js';
export { loadShedding, loadSheddingHook, type FastifyLoadSheddingOptions, type LoadSheddingHook } from './load-shedding.js';
