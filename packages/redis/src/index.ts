export { RedisStore, DECISION_COMMAND } from './redis-store.js';
export type { RedisStoreOptions, RedisClient } from './options.js';
export { DECISION_SCRIPT } from './lua/script.js';
