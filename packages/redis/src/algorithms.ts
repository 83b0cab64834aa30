import type { ALGORITHMS, BucketPolicy, ConcurrencyPolicy, WindowPolicy } from '@sluice/core';

/** The algorithms the decision scripts implement: core's rate algorithms and the concurrency limit (leases). */
export type RedisAlgorithm = (typeof ALGORITHMS)[number] | 'concurrency';

/**
 * A policy of one of those algorithms: a window (limit, windowUs), a bucket (capacity,
 * intervalUs) or a concurrency limit (limit, leaseUs).
 */
export type RedisPolicy = WindowPolicy | BucketPolicy | ConcurrencyPolicy;
