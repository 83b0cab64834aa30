/**
 * Koa middleware: rate limits and load shedding. See docs/koa.md.
 *
 * @module @sluice/koa
 */
export { rateLimit, type KoaRateLimitOptions, type KoaOnLimited, type SluiceMiddleware } from './rate-limit.js';
export { keys } from './keys.js';
export { koaAccess } from './request-access.js';
export type { Decision } from '@sluice/core';
import './augment.js';
export { loadShedding, type KoaLoadSheddingOptions, type LoadSheddingMiddleware } from './load-shedding.js';
