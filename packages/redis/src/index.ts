/**
 * RedisStore on ioredis, standalone and Cluster: one EVALSHA per decision. See docs/redis.md.
 *
 * @module @sluice/redis
 */
export { RedisStore, DECISION_COMMAND, SINGLE_POLICY_COMMANDS } from './redis-store.js';
export type { RedisStoreOptions, RedisClient } from './options.js';
export { DECISION_SCRIPT, DECISION_SCRIPTS, SINGLE_POLICY_SCRIPTS } from './lua/script.js';
export { STATE_VERSIONS, stateKeySuffix } from './state-version.js';
