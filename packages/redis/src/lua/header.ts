import { MODE_CODES, NEVER } from '@sluice/core';

/**
 * A fake clock (`nowMs`) says nothing about real time, so Redis must not expire its state
 * early while the caller's clock still needs it: keys written on one live at least this long.
 */
export const OVERRIDDEN_CLOCK_MIN_TTL_MS = 60_000;

/**
 * ARGV positions (1-based, as Lua indexes them). The request's arguments come first; then each
 * policy's. A single-policy script knows its algorithm, so its policy carries no code.
 */
export const REQUEST_ARGV = Object.freeze({ mode: 1, cost: 2, now: 3 });
/** ARGV entries before the first policy's. */
export const REQUEST_ARGS = 3;
/** Offsets inside one policy's ARGV entries in the multi-policy script. */
export const POLICY_ARGV = Object.freeze({ algorithm: 1, limit: 2, window: 3 });
/** ARGV entries per policy in the multi-policy script: algorithm code, limit or capacity, window or interval (µs). */
export const POLICY_ARGS = 3;

/**
 * Every script's opening: the request's arguments bound to named locals, the clock, and the
 * integer helpers the algorithms share. Lua 5.1 numbers are IEEE doubles like JS numbers, so
 * integers up to 2^53 are exact and the same operations round the same way; only `%`,
 * formatting and the reply need care.
 *
 * ARGV: mode code (MODE_CODES), cost (units), now in µs or '' for the server clock; with a
 * concurrency policy, the lease id last (see lua/concurrency.ts).
 * KEYS: one state key per policy.
 */
export const HEADER_LUA = `
local MODE_CONSUME, MODE_PEEK, MODE_REFUND = ${MODE_CODES.consume}, ${MODE_CODES.peek}, ${MODE_CODES.refund}
local MODE_RELEASE, MODE_RENEW = ${MODE_CODES.release}, ${MODE_CODES.renew}
local mode = tonumber(ARGV[${REQUEST_ARGV.mode}])
local cost = tonumber(ARGV[${REQUEST_ARGV.cost}])
local now_argument = ARGV[${REQUEST_ARGV.now}]
local clock_overridden = now_argument ~= ''
local now
if clock_overridden then
  now = tonumber(now_argument)
else
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000000 + tonumber(time[2])
end

-- tostring() keeps only 14 significant digits; '%.0f' writes any integer-valued double exactly.
local function int(n)
  return string.format('%.0f', n)
end

-- With a caller-given clock, keys live at least this long (see OVERRIDDEN_CLOCK_MIN_TTL_MS in header.ts).
local OVERRIDDEN_CLOCK_MIN_TTL_MS = ${OVERRIDDEN_CLOCK_MIN_TTL_MS}

-- Expiry is garbage collection only: the state's remaining lifetime, rounded up to whole ms.
local function ttl_ms(expires_at, at)
  local ms = math.ceil((expires_at - at) / 1000)
  if clock_overridden and ms < OVERRIDDEN_CLOCK_MIN_TTL_MS then ms = OVERRIDDEN_CLOCK_MIN_TTL_MS end
  return int(ms)
end

-- An evaluation returns: allowed (1/0), remaining, reset (µs), retry_after (µs, NEVER = the
-- cost exceeds the limit), delay (µs), and the write to run if the decision commits (nil: none).
local NEVER = ${NEVER}

local function deleter(key)
  return function() redis.call('DEL', key) end
end
`;
