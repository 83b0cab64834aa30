import type { ALGORITHMS, BucketPolicy, WindowPolicy } from '@sluice/core';

/** The algorithms these scripts implement (core's rate algorithms), whatever else core's `Algorithm` grows to hold. */
export type RedisAlgorithm = (typeof ALGORITHMS)[number];

/** A policy of one of those algorithms: a window (limit, windowUs) or a bucket (capacity, intervalUs). */
export type RedisPolicy = WindowPolicy | BucketPolicy;
