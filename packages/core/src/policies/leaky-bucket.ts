import type { BucketPolicy } from './policy.js';
import { bucketPolicy } from './bucket-options.js';

/**
 * Options of `leakyBucket`. A bad or unknown option throws InvalidOptionError
 * (ERR_SLUICE_INVALID_OPTION / ERR_SLUICE_UNKNOWN_OPTION) naming it.
 */
export interface LeakyBucketOptions {
  /** Requests (cost units) the queue holds, including the one leaving now. */
  capacity: number;
  /** Requests leaving the queue per second (fractions allowed). */
  leakPerSecond: number;
  /** Shown in RateLimit headers and problem bodies: letters, digits, `_`, `.`, `-` (1 to 64). Default: the policy id. */
  name?: string;
  /** Shadow mode: evaluated, charged and reported, never denies. Default false. */
  shadow?: boolean;
}

/**
 * Shaping: a request that fits the queue is admitted with `delayMs`, the time until its turn
 * to leave; held that long, admitted requests leave at most at `leakPerSecond`. A full queue
 * denies. State: one timestamp, when the queue will be empty.
 */
export function leakyBucket(options: LeakyBucketOptions): BucketPolicy {
  return bucketPolicy('leaky-bucket', 'lb', options, 'leakyBucket', 'leakPerSecond');
}
