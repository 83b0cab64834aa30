import type { BucketPolicy } from './policy.js';
import { bucketPolicy } from './bucket-options.js';

export interface LeakyBucketOptions {
  /** Requests (cost units) the queue holds, including the one leaving now. */
  capacity: number;
  /** Requests leaving the queue per second (fractions allowed). */
  leakPerSecond: number;
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
