import type { RedisAlgorithm } from '../algorithms.js';
import { MULTI_POLICY_DISPATCH, singlePolicyDispatch } from './dispatch.js';
import { FIXED_WINDOW_LUA } from './fixed-window.js';
import { GCRA_LUA } from './gcra.js';
import { HEADER_LUA } from './header.js';
import { LEAKY_BUCKET_LUA } from './leaky-bucket.js';
import { FIXED_WINDOW_SINGLE_LUA, LEAKY_BUCKET_SINGLE_LUA, TOKEN_BUCKET_SINGLE_LUA } from './single-policy.js';
import { SLIDING_LOG_LUA } from './sliding-log.js';
import { CONCURRENCY_LUA } from './concurrency.js';
import { SLIDING_WINDOW_LUA } from './sliding-window.js';
import { TOKEN_BUCKET_LUA } from './token-bucket.js';

export { REQUEST_ARGS, POLICY_ARGS } from './header.js';

/**
 * One script per algorithm for a single policy: only that algorithm's code, no dispatch table,
 * no loop (Redis runs a script's whole body on every call, so everything defined costs). The
 * fixed window and the buckets are written inline (single-policy.ts); the sliding window and
 * log run their evaluator through a small dispatcher.
 * ARGV: mode code, cost, now (µs or ''), limit or capacity, window or interval (µs). KEYS: the state key.
 */
export const SINGLE_POLICY_SCRIPTS: Readonly<Record<RedisAlgorithm, string>> = Object.freeze({
  'fixed-window': FIXED_WINDOW_SINGLE_LUA,
  'sliding-window': HEADER_LUA + SLIDING_WINDOW_LUA + singlePolicyDispatch('sliding-window'),
  'sliding-log': HEADER_LUA + SLIDING_LOG_LUA + singlePolicyDispatch('sliding-log'),
  'token-bucket': TOKEN_BUCKET_SINGLE_LUA,
  'leaky-bucket': LEAKY_BUCKET_SINGLE_LUA,
  concurrency: HEADER_LUA + CONCURRENCY_LUA + singlePolicyDispatch('concurrency'),
});

/**
 * The script for two or more policies: all five algorithms and the all-or-nothing dispatcher.
 * ARGV: mode code, cost, now (µs or ''), then per policy its algorithm code, limit or capacity,
 * window or interval (µs). KEYS: one state key per policy.
 */
export const DECISION_SCRIPT = [
  HEADER_LUA,
  FIXED_WINDOW_LUA,
  SLIDING_WINDOW_LUA,
  SLIDING_LOG_LUA,
  GCRA_LUA,
  TOKEN_BUCKET_LUA,
  LEAKY_BUCKET_LUA,
  CONCURRENCY_LUA,
  MULTI_POLICY_DISPATCH,
].join('');

/** Every script the store may run, e.g. to SCRIPT LOAD them ahead of time. */
export const DECISION_SCRIPTS: readonly string[] = Object.freeze([DECISION_SCRIPT, ...Object.values(SINGLE_POLICY_SCRIPTS)]);
