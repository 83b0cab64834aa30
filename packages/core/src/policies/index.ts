export {
  ALGORITHMS,
  ALL_ALGORITHMS,
  isPolicy,
  POLICY_NAME_PATTERN,
  type Algorithm,
  type RateAlgorithm,
  type RatePolicy,
  type ConcurrencyPolicy,
  type PenaltyPolicy,
  type WindowAlgorithm,
  type BucketAlgorithm,
  type WindowPolicy,
  type BucketPolicy,
  type Policy,
} from './policy.js';
export { fixedWindow } from './fixed-window.js';
export { slidingWindow } from './sliding-window.js';
export { slidingLog, MAX_SLIDING_LOG_LIMIT } from './sliding-log.js';
export { tokenBucket, type TokenBucketOptions } from './token-bucket.js';
export { leakyBucket, type LeakyBucketOptions } from './leaky-bucket.js';
export { concurrency, MAX_CONCURRENCY_LIMIT, type ConcurrencyOptions } from './concurrency.js';
export { penalty, MAX_PENALTY_STRIKES, MAX_PENALTY_STEPS, type PenaltyOptions } from './penalty.js';
export type { WindowPolicyOptions } from './window-options.js';
