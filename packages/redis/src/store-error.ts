import { StoreError } from '@sluice/core';

/** Every failure leaves the store as a StoreError carrying the ioredis error as `cause`. */
export function redisStoreError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError(`RedisStore: ${message}`, { cause: error });
}
