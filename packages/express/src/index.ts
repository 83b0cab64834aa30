/**
 * Express middleware: rate limits and load shedding. See docs/express.md.
 *
 * @module @sluice/express
 */
export { rateLimit, type ExpressRateLimitOptions, type ExpressOnLimited, type SluiceRequestHandler } from './rate-limit.js';
export { keys } from './keys.js';
export { expressAccess } from './request-access.js';
export type { Decision } from '@sluice/core';
import './augment.js';
export { loadShedding, type ExpressLoadSheddingOptions, type LoadSheddingMiddleware } from './load-shedding.js';
