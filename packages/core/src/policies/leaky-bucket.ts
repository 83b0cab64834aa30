import { registerPolicy, type BucketPolicy } from './policy.js';
import { parseBucketOptions } from './bucket-options.js';

export interface LeakyBucketOptions {
  /** Requests (cost units) the queue holds, including the one leaving now. */
  capacity: number;
  /** Requests leaving the queue per second (fractions allowed). */
  leakPerSecond: number;
  name?: string;
}

/**
 * Shaping: a request that fits the queue is admitted with `delayMs`, the time until its turn
 * to leave; held that long, admitted requests leave at most at `leakPerSecond`. A full queue
 * denies. State: one timestamp, when the queue will be empty.
 */
export function leakyBucket(options: LeakyBucketOptions): BucketPolicy {
  const { capacity, ratePerSecond, intervalUs, name } = parseBucketOptions(options, 'leakyBucket', 'leakPerSecond');
  const id = `lb-${capacity}-${intervalUs}`;
  const windowMs = Math.ceil((capacity * intervalUs) / 1000);
  return registerPolicy({ algorithm: 'leaky-bucket', id, name: name ?? id, limit: capacity, windowMs, capacity, ratePerSecond, intervalUs });
}
