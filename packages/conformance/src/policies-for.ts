import { fixedWindow, leakyBucket, slidingLog, slidingWindow, tokenBucket, type RateAlgorithm, type Policy } from '@sluice/core';

/**
 * A policy of the given algorithm admitting `limit` at one instant and nothing more for a
 * long while (buckets refill very slowly), so counts under a frozen clock are exact.
 */
export function policyAdmitting(algorithm: RateAlgorithm, limit: number, name?: string): Policy {
  const named = name === undefined ? {} : { name };
  switch (algorithm) {
    case 'fixed-window':
      return fixedWindow({ limit, window: '1h', ...named });
    case 'sliding-window':
      return slidingWindow({ limit, window: '1h', ...named });
    case 'sliding-log':
      return slidingLog({ limit, window: '1h', ...named });
    case 'token-bucket':
      return tokenBucket({ capacity: limit, refillPerSecond: 0.001, ...named });
    case 'leaky-bucket':
      return leakyBucket({ capacity: limit, leakPerSecond: 0.001, ...named });
  }
}
