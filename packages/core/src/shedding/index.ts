// Adaptive load shedding (per process): a concurrency limit found from observed latency.
export { AdaptiveLimiter, createAdaptiveLimiter, isAdaptiveLimiter, type Outcome, type Permit, type AdaptiveLimiterStats } from './adaptive-limiter.js';
export type { AlgorithmName } from './algorithm.js';
export { ADAPTIVE_LIMITER_OPTION_KEYS, type AdaptiveLimiterOptions, type ResolvedAdaptiveOptions } from './options.js';
export { PRIORITIES, type Priority } from './priority.js';
export type { ShedProblem, ShedResponse } from './response.js';
export { LoadShedder, LOAD_SHEDDING_OPTION_KEYS, type LoadSheddingOptions } from './shedder.js';
export { HeldSlot, abandonedGraceMs, ABANDONED_GRACE_FACTOR, UNMEASURED_LATENCY_MS } from './held-slot.js';
