import { assertKnownKeys, assertNonEmptyString, assertPlainObject, InvalidOptionError } from '@sluice/core';
import type { Cluster, Redis } from 'ioredis';

/** A standalone (or Sentinel-managed) client, or a Cluster client. */
export type RedisClient = Redis | Cluster;

/**
 * Options of `new RedisStore(options)`. A bad or unknown option throws InvalidOptionError
 * (ERR_SLUICE_INVALID_OPTION / ERR_SLUICE_UNKNOWN_OPTION) naming it, e.g. `client` when it is
 * not an ioredis client, or `client.options.keyPrefix` when that holds braces.
 */
export interface RedisStoreOptions {
  /** An ioredis client: `new Redis(...)` or `new Redis.Cluster(...)`. The store never closes it. */
  client: RedisClient;
  /**
   * Extra namespace in front of every key, `<prefix>:<limiter prefix>:{<client key>}:<policy id>`:
   * one place to put all limiters sharing this store under, e.g. for an ACL key pattern.
   * No braces (they would break the Cluster hash tag) and no whitespace. Default: none.
   */
  prefix?: string;
}

export interface ResolvedRedisStoreOptions {
  client: RedisClient;
  /** `prefix + ':'`, or '' without a prefix: prepended to each key as is. */
  keyStart: string;
}

const OPTION_KEYS = new Set(['client', 'prefix']);
const PREFIX_PATTERN = /^[^{}\s]{1,100}$/;

function looksLikeIoredis(value: unknown): value is RedisClient {
  const client = value as Partial<Redis> | null;
  return (
    typeof client === 'object' &&
    client !== null &&
    typeof client.defineCommand === 'function' &&
    typeof client.del === 'function'
  );
}

export function resolveRedisStoreOptions(options: unknown): ResolvedRedisStoreOptions {
  assertPlainObject(options, 'RedisStore options');
  assertKnownKeys(options, OPTION_KEYS, '');
  const { client, prefix } = options;
  // Duck-typed rather than instanceof, so a second copy of ioredis in node_modules still works.
  if (!looksLikeIoredis(client)) {
    throw new InvalidOptionError('client', client, 'an ioredis client (new Redis(...) or new Redis.Cluster(...))');
  }
  const clientPrefix = (client as { options?: { keyPrefix?: unknown } }).options?.keyPrefix;
  if (typeof clientPrefix === 'string' && /[{}]/.test(clientPrefix)) {
    throw new InvalidOptionError('client.options.keyPrefix', clientPrefix, 'a key prefix without braces (they would break the Cluster hash tag)');
  }
  const keyStart =
    prefix === undefined
      ? ''
      : assertNonEmptyString(prefix, 'prefix', PREFIX_PATTERN, 'up to 100 characters without braces or whitespace') + ':';
  return { client, keyStart };
}
