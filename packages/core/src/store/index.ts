/**
 * What a store author needs, and nothing of the limiter or HTTP. Memory, Redis, Postgres
 * and third-party stores share these pieces; see docs/store-contract.md.
 *
 * @module @sluice/core/store
 */
export type { Store, StoreRequest, PolicyResult, MaybePromise } from './types.js';
export type { Mode, StoreMode, Evaluation, PolicyState, ConcurrencyState, Lease } from '../algorithms/types.js';
export type { Algorithm, RateAlgorithm, Policy, RatePolicy, WindowPolicy, BucketPolicy, ConcurrencyPolicy } from '../policies/policy.js';
export { ALGORITHMS, ALL_ALGORITHMS } from '../policies/policy.js';
export { NEVER, ALGORITHM_CODES, MODE_CODES, RESULT_FIELD, RESULT_FIELDS, decodeResult, decodeResults } from './wire.js';
export { policyResult } from './results.js';
export { assertOpen, closedStoreError } from './lifecycle.js';
export { StoreError, ErrorCodes, toStoreError, type StoreErrorOptions, type StoreErrorWrapping } from '../errors.js';
export { msToMicros, microsToMsCeil, monotonicMicros } from '../time/clock.js';
export { baseKey, encodeClientKey, policyKey, MAX_CLIENT_KEY_LENGTH, DIGEST_KEY_MARKER } from './keys.js';
export { evaluatePolicy } from '../algorithms/evaluate.js';
export type { PenaltyPolicy } from '../policies/policy.js';
export type { PenaltyState } from '../algorithms/types.js';
export { evaluatePenalty, penaltyBlockLeft, penaltyMemoryUs } from '../algorithms/penalty.js';
export { decide, type StateTable } from './decide.js';
