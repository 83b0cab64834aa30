/**
 * The limiter, its policies and algorithms, the memory store, header writers, client-IP
 * keys, errors and the framework-neutral HTTP engine the adapters share. Zero runtime dependencies.
 *
 * @module @sluice/core
 */
export * from './errors.js';
export { parseDuration, formatDuration, MAX_WINDOW_MS, type Duration, type DurationUnit } from './time/duration.js';
export { msToMicros, microsToMsCeil, monotonicMicros } from './time/clock.js';
export * from './policies/index.js';
export type { Mode, Evaluation, PolicyState, FixedWindowState, SlidingWindowState, SlidingLogState, BucketState } from './algorithms/types.js';
export type { StoreMode, ConcurrencyState, Lease } from './algorithms/types.js';
export type { PenaltyState } from './algorithms/types.js';
export { evaluatePenalty, penaltyBlockLeft, penaltyMemoryUs } from './algorithms/penalty.js';
export { newLeaseId, DEFAULT_HOLD_ESTIMATE_MS, type LeaseHandle } from './limiter/leases.js';
export { evaluatePolicy } from './algorithms/evaluate.js';
export type { Store, StoreRequest, PolicyResult, MaybePromise, StoreBinding, BoundStore } from './store/types.js';
export { policyResult } from './store/results.js';
export { NEVER, ALGORITHM_CODES, MODE_CODES, RESULT_FIELD, RESULT_FIELDS, decodeResult, decodeResults } from './store/wire.js';
export { assertOpen, closedStoreError } from './store/lifecycle.js';
export { decide, type StateTable } from './store/decide.js';
export { baseKey, encodeClientKey, policyKey, MAX_CLIENT_KEY_LENGTH, DIGEST_KEY_MARKER } from './store/keys.js';
export { MemoryStore, type MemoryStoreOptions } from './store/memory-store.js';
export { FiguresDecision, type Figures } from './limiter/figures-decision.js';
export { combineResults, degradedDecision, DEGRADED_RETRY_AFTER_MS, type Decision, type Degraded, type DecidedBy } from './limiter/decision.js';
export type { ShadowVerdict } from './limiter/decision.js';
export {
  resolveLimiterOptions,
  validatePolicies,
  assertStoreSupports,
  DEFAULT_TIMEOUT_MS,
  LIMITER_OPTION_KEYS,
  type LimiterOptions,
  type LimiterOptionKey,
  type LimiterSettings,
  type FailurePolicy,
} from './limiter/options.js';
export { isStore, isLimiter } from './limiter/recognise.js';
export { createLimiter, CALLBACK_THREW, BREAKER_OPTIONS_IGNORED } from './limiter/create-limiter.js';
export type { Limiter, ConsumeOptions, AcquireOptions } from './limiter/limiter.js';
export type {
  BreakerState,
  DecisionEvent,
  DegradedEvent,
  StoreErrorEvent,
  BreakerEvent,
  BlockCacheHitEvent,
  LimiterEventMap,
  LimiterEventName,
  LimiterEvents,
} from './events/types.js';
export { breakerStateOf } from './resilience/breaker-registry.js';
export { BREAKER_DEFAULTS, DEFAULT_BLOCK_CACHE_ENTRIES, type BreakerOptions, type BlockCacheOptions } from './resilience/options.js';
/** For adapters: one hub shared by several engines (Fastify's plugin and its route overrides). */
export { EventHub } from './events/hub.js';
/** For metrics packages (@sluice/prometheus, @sluice/opentelemetry): the framework-neutral part. */
export { observeLimiters, policyLabel, type ObservableLimiter, type LimiterEventSink, type LimiterObservations } from './events/observe.js';
export { ObservedStores, storeSize } from './events/observed-stores.js';
export { Tally, type TallyEntry } from './events/tally.js';
export { DEFAULT_STORE_LATENCY_BUCKETS, resolveLatencyBuckets } from './events/latency-buckets.js';
export { DEFAULT_MAX_WAIT_MS } from './limiter/acquire.js';
export { MAX_NOW_MS } from './limiter/call-options.js';
export { STORE_MISCONFIGURED, UNPROVEN_FAILURE_LIMIT } from './limiter/store-health.js';
export { MAX_TIMER_MS, sleep } from './time/timers.js';
export { isPlainObject, assertKnownKeys, assertPlainObject, assertPositiveInteger, assertNonEmptyString } from './validate.js';
export * from './headers/index.js';
export * from './keys/index.js';
export * from './http/index.js';
export { callSafely } from './safe-call.js';
export * from './shedding/index.js';
