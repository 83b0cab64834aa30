import type { Algorithm } from '@sluice/core';
import { DISPATCH_LUA } from './dispatch.js';
import { FIXED_WINDOW_LUA } from './fixed-window.js';
import { GCRA_LUA } from './gcra.js';
import { HEADER_LUA } from './header.js';
import { LEAKY_BUCKET_LUA } from './leaky-bucket.js';
import { SLIDING_LOG_LUA } from './sliding-log.js';
import { SLIDING_WINDOW_LUA } from './sliding-window.js';
import { TOKEN_BUCKET_LUA } from './token-bucket.js';

/** The code each policy's ARGV triple starts with; the dispatcher maps it to its function. */
export const ALGORITHM_CODES: Readonly<Record<Algorithm, string>> = {
  'fixed-window': 'fw',
  'sliding-window': 'sw',
  'sliding-log': 'sl',
  'token-bucket': 'tb',
  'leaky-bucket': 'lb',
};

/** ARGV entries before the per-policy triples: mode, cost, now (µs or ''). */
export const REQUEST_ARGS = 3;
/** ARGV entries per policy: algorithm code, limit or capacity, window or interval (µs). */
export const POLICY_ARGS = 3;
/** Reply integers per policy: allowed, remaining, resetAfterUs, retryAfterUs (-1 = never), delayUs. */
export const REPLY_FIELDS = 5;

/** The one script every decision runs: all five algorithms, one function each, and the dispatcher. */
export const DECISION_SCRIPT = [
  HEADER_LUA,
  FIXED_WINDOW_LUA,
  SLIDING_WINDOW_LUA,
  SLIDING_LOG_LUA,
  GCRA_LUA,
  TOKEN_BUCKET_LUA,
  LEAKY_BUCKET_LUA,
  DISPATCH_LUA,
].join('');
