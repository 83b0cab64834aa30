import { StoreError } from '@sluice/core';

/**
 * Replies that only a setup mistake explains, never an outage: missing or wrong credentials
 * (NOAUTH, WRONGPASS, Redis < 6 "invalid password"), an ACL that denies a command or the key
 * pattern (NOPERM; Redis 7.0 words a command denied inside the script as "The user executing
 * the script can't run..."), and commands renamed or disabled on the server.
 */
const CONFIGURATION_REPLY =
  /^(?:NOAUTH|WRONGPASS|NOPERM)\b|^ERR (?:unknown command|unknown or disabled command|invalid password|The user executing the script can't run)/;

/**
 * Every failure leaves the store as a StoreError carrying the ioredis error as `cause`;
 * `configuration: true` when the reply can only mean a setup mistake (the limiter then warns once).
 */
export function redisStoreError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const configuration = CONFIGURATION_REPLY.test(message);
  const hint = configuration ? ' (a setup problem: check the credentials and the ACL in docs/redis.md)' : '';
  return new StoreError(`RedisStore: ${message}${hint}`, { cause: error, configuration });
}
