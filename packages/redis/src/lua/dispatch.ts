import { ALGORITHM_CODES, RESULT_FIELD, RESULT_FIELDS } from '@sluice/core';
import type { RedisAlgorithm } from '../algorithms.js';
import { POLICY_ARGS, POLICY_ARGV, REQUEST_ARGS } from './header.js';

/** The Lua function evaluating each algorithm (defined in the algorithm's own file). */
export const LUA_FUNCTIONS: Readonly<Record<RedisAlgorithm, string>> = {
  'fixed-window': 'fixed_window',
  'sliding-window': 'sliding_window',
  'sliding-log': 'sliding_log',
  'token-bucket': 'token_bucket',
  'leaky-bucket': 'leaky_bucket',
  concurrency: 'concurrency',
};

/** The Lua local holding each reply field, in the order core's RESULT_FIELD puts them. */
const LUA_RESULT_NAMES: Readonly<Record<keyof typeof RESULT_FIELD, string>> = {
  allowed: 'allowed',
  remaining: 'remaining',
  resetAfterUs: 'reset',
  retryAfterUs: 'retry_after',
  delayUs: 'delay',
};
const REPLY_ORDER = (Object.keys(LUA_RESULT_NAMES) as (keyof typeof RESULT_FIELD)[])
  .sort((a, b) => RESULT_FIELD[a] - RESULT_FIELD[b])
  .map((field) => LUA_RESULT_NAMES[field])
  .join(', ');

/**
 * One policy's decision, no table or loop: the script the store runs whenever a limiter has
 * a single policy. ARGV after the request's: limit (or capacity, units of cost), window (or
 * interval per unit, µs). An evaluation hands back a write only when it commits (an admitted
 * consume or a refund), so a denial writes nothing.
 */
export function singlePolicyDispatch(algorithm: RedisAlgorithm): string {
  return `
local limit = tonumber(ARGV[${REQUEST_ARGS + 1}])
local window = tonumber(ARGV[${REQUEST_ARGS + 2}])
local allowed, remaining, reset, retry_after, delay, write = ${LUA_FUNCTIONS[algorithm]}(KEYS[1], now, cost, mode, limit, window)
if write then write() end
return { ${REPLY_ORDER} }
`;
}

const EVALUATORS = (Object.keys(ALGORITHM_CODES) as RedisAlgorithm[])
  .map((algorithm) => `[${ALGORITHM_CODES[algorithm]}] = ${LUA_FUNCTIONS[algorithm]}`)
  .join(', ');

/**
 * Lua shared by the general and the penalty dispatcher (lua/penalty.ts): the evaluators table
 * and `evaluate(i, policy_mode)`, which evaluates policy i (its ARGV per POLICY_ARGV) into the
 * reply's slots and returns its allowed (1/0) and write. The including script declares `reply`
 * (a table) before it.
 */
export const EVALUATE_POLICY_LUA = `
local evaluators = { ${EVALUATORS} }

local function evaluate(i, policy_mode)
  local at = ${REQUEST_ARGS} + (i - 1) * ${POLICY_ARGS}
  local algorithm = ARGV[at + ${POLICY_ARGV.algorithm}]
  local evaluator = evaluators[tonumber(algorithm)]
  -- A lease operation is a peek for the rate policies: it never charges or refunds them.
  if (policy_mode == MODE_RELEASE or policy_mode == MODE_RENEW) and evaluator ~= concurrency then policy_mode = MODE_PEEK end
  if evaluator == nil then error(redis.error_reply('ERR sluice: unknown algorithm code ' .. tostring(algorithm))) end
  local limit = tonumber(ARGV[at + ${POLICY_ARGV.limit}])
  local window = tonumber(ARGV[at + ${POLICY_ARGV.window}])
  local allowed, remaining, reset, retry_after, delay, write = evaluator(KEYS[i], now, cost, policy_mode, limit, window)
  local slot = (i - 1) * ${RESULT_FIELDS}
  ${REPLY_ORDER.split(', ').map((name, index) => `reply[slot + ${index + 1}] = ${name}`).join('\n  ')}
  return allowed, write
end
`;

/**
 * Several policies: evaluate every one, then commit all writes or none, like core's
 * store/decide.ts. A policy that would have allowed a consume another policy denied is
 * evaluated again as a peek, so it reports the state that was not charged. ARGV per policy
 * (POLICY_ARGV): algorithm code (ALGORITHM_CODES), limit or capacity, window or interval (µs).
 */
export const MULTI_POLICY_DISPATCH = `
local count = #KEYS
local reply, writes, admitted = {}, {}, {}
local all_allowed = true
${EVALUATE_POLICY_LUA}
for i = 1, count do
  local allowed, write = evaluate(i, mode)
  writes[i] = write or false
  admitted[i] = allowed == 1
  if allowed == 0 then all_allowed = false end
end

if mode == MODE_REFUND or mode == MODE_RELEASE or mode == MODE_RENEW or (mode == MODE_CONSUME and all_allowed) then
  for i = 1, count do
    if writes[i] then writes[i]() end
  end
elseif mode == MODE_CONSUME then
  for i = 1, count do
    if admitted[i] then evaluate(i, MODE_PEEK) end
  end
end
return reply
`;
