import type { BucketPolicy } from './policy.js';
import { bucketPolicy } from './bucket-options.js';

/**
 * Options of `tokenBucket`. A bad or unknown option throws InvalidOptionError
 * (ERR_SLUICE_INVALID_OPTION / ERR_SLUICE_UNKNOWN_OPTION) naming it.
 */
export interface TokenBucketOptions {
  /** Burst size: tokens the bucket holds when full. */
  capacity: number;
  /** Tokens added per second (fractions allowed, e.g. 0.5 or 3). */
  refillPerSecond: number;
  /** Shown in RateLimit headers and problem bodies: letters, digits, `_`, `.`, `-` (1 to 64). Default: the policy id. */
  name?: string;
  /** Shadow mode: evaluated, charged and reported, never denies. Default false. */
  shadow?: boolean;
}

/**
 * Bursts up to `capacity`, then `refillPerSecond` on average. GCRA arithmetic: the only
 * state is one timestamp, the theoretical arrival time (when the bucket is full again).
 */
export function tokenBucket(options: TokenBucketOptions): BucketPolicy {
  return bucketPolicy('token-bucket', 'tb', options, 'tokenBucket', 'refillPerSecond');
}
