import type { StoreErrorWrapping } from '@sluice/core';

/**
 * Replies that only a setup mistake explains, never an outage: missing or wrong credentials
 * (NOAUTH, WRONGPASS, Redis < 6 "invalid password"), an ACL that denies a command or the key
 * pattern (NOPERM; Redis 7.0 words a command denied inside the script as "The user executing
 * the script can't run..."), and commands renamed or disabled on the server.
 */
const CONFIGURATION_REPLY =
  /^(?:NOAUTH|WRONGPASS|NOPERM)\b|^ERR (?:unknown command|unknown or disabled command|invalid password|The user executing the script can't run)/;

/**
 * How every ioredis failure becomes a StoreError (core's toStoreError, ioredis error as
 * `cause`): `configuration: true` when the reply can only mean a setup mistake (the limiter
 * then warns once), with a pointer to the docs.
 */
export const REDIS_ERRORS: StoreErrorWrapping = Object.freeze({
  store: 'RedisStore',
  configuration: (error: unknown) => CONFIGURATION_REPLY.test(error instanceof Error ? error.message : String(error)),
  hint: (_error: unknown, configuration: boolean) =>
    configuration ? ' (a setup problem: check the credentials and the ACL in docs/redis.md)' : '',
});
