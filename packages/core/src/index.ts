export * from './errors.js';
export { parseDuration, formatDuration, MAX_WINDOW_MS, type Duration, type DurationUnit } from './time/duration.js';
export { msToMicros, microsToMsCeil, monotonicMicros } from './time/clock.js';
export * from './policies/index.js';
export type { Mode, Evaluation, PolicyState, FixedWindowState, SlidingWindowState, SlidingLogState, BucketState } from './algorithms/types.js';
export { evaluatePolicy } from './algorithms/evaluate.js';
export type { Store, StoreRequest, PolicyResult, MaybePromise } from './store/types.js';
export { policyResult } from './store/results.js';
export { decide, type StateTable } from './store/decide.js';
export { baseKey, encodeClientKey, policyKey, MAX_CLIENT_KEY_LENGTH, DIGEST_KEY_MARKER } from './store/keys.js';
export { MemoryStore, type MemoryStoreOptions } from './store/memory-store.js';
export { combineResults, degradedDecision, DEGRADED_RETRY_AFTER_MS, type Decision, type Degraded } from './limiter/decision.js';
export {
  resolveLimiterOptions,
  validatePolicies,
  assertStoreSupports,
  isStore,
  DEFAULT_TIMEOUT_MS,
  type LimiterOptions,
  type FailurePolicy,
} from './limiter/options.js';
export { createLimiter, type Limiter, type ConsumeOptions } from './limiter/create-limiter.js';
export { isPlainObject, assertKnownKeys, assertPlainObject, assertPositiveInteger, assertNonEmptyString } from './validate.js';
export * from './headers/index.js';
export * from './keys/index.js';
export * from './http/index.js';
