import { ALGORITHMS, type Algorithm } from '@sluice/core';
import { MULTI_POLICY_DISPATCH, singlePolicyDispatch } from './dispatch.js';
import { FIXED_WINDOW_LUA } from './fixed-window.js';
import { GCRA_LUA } from './gcra.js';
import { HEADER_LUA } from './header.js';
import { LEAKY_BUCKET_LUA } from './leaky-bucket.js';
import { SLIDING_LOG_LUA } from './sliding-log.js';
import { SLIDING_WINDOW_LUA } from './sliding-window.js';
import { TOKEN_BUCKET_LUA } from './token-bucket.js';

export { REQUEST_ARGS, POLICY_ARGS } from './header.js';

/** Each algorithm's Lua, with what it builds on (the buckets share GCRA). */
const ALGORITHM_LUA: Readonly<Record<Algorithm, string>> = {
  'fixed-window': FIXED_WINDOW_LUA,
  'sliding-window': SLIDING_WINDOW_LUA,
  'sliding-log': SLIDING_LOG_LUA,
  'token-bucket': GCRA_LUA + TOKEN_BUCKET_LUA,
  'leaky-bucket': GCRA_LUA + LEAKY_BUCKET_LUA,
};

/**
 * One script per algorithm for a single policy: only that algorithm's code, no dispatch table,
 * no loop (Redis runs a script's whole body on every call, so everything defined costs).
 * ARGV: mode code, cost, now (µs or ''), limit or capacity, window or interval (µs). KEYS: the state key.
 */
export const SINGLE_POLICY_SCRIPTS: Readonly<Record<Algorithm, string>> = Object.freeze(
  Object.fromEntries(
    ALGORITHMS.map((algorithm) => [algorithm, HEADER_LUA + ALGORITHM_LUA[algorithm] + singlePolicyDispatch(algorithm)]),
  ) as Record<Algorithm, string>,
);

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
  MULTI_POLICY_DISPATCH,
].join('');

/** Every script the store may run, e.g. to SCRIPT LOAD them ahead of time. */
export const DECISION_SCRIPTS: readonly string[] = Object.freeze([DECISION_SCRIPT, ...Object.values(SINGLE_POLICY_SCRIPTS)]);
