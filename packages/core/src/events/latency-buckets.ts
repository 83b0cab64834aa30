import { InvalidOptionError } from '../errors.js';

/**
 * Default bounds of a store-latency histogram, in seconds (0.25 ms to 1 s): a local Redis answers
 * in ~0.1-1 ms, a loaded one or Postgres in a few ms; `timeoutMs` defaults to 500 ms.
 */
export const DEFAULT_STORE_LATENCY_BUCKETS: readonly number[] = Object.freeze([
  0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
]);

/**
 * Validates histogram bucket bounds in seconds (finite, > 0, strictly increasing, at least one)
 * and returns a copy. Throws InvalidOptionError (ERR_SLUICE_INVALID_OPTION) naming `option`
 * (default 'buckets'), or `option[i]` for the first bad bound.
 */
export function resolveLatencyBuckets(buckets: unknown, option = 'buckets'): number[] {
  if (!Array.isArray(buckets) || buckets.length === 0) {
    throw new InvalidOptionError(option, buckets, 'a non-empty array of bucket bounds in seconds');
  }
  buckets.forEach((bound: unknown, i) => {
    const previous = i === 0 ? 0 : (buckets[i - 1] as number);
    if (typeof bound !== 'number' || !Number.isFinite(bound) || bound <= previous) {
      throw new InvalidOptionError(`${option}[${i}]`, bound, `a finite number of seconds above ${previous} (bounds > 0, strictly increasing)`);
    }
  });
  return [...(buckets as number[])];
}
