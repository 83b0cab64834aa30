import { RESULT_FIELDS } from '@sluice/core';
import { EVALUATE_POLICY_LUA } from './dispatch.js';
import { FIXED_WINDOW_LUA } from './fixed-window.js';
import { GCRA_LUA } from './gcra.js';
import { HEADER_LUA, POLICY_ARGS, REQUEST_ARGS } from './header.js';
import { LEAKY_BUCKET_LUA } from './leaky-bucket.js';
import { SLIDING_LOG_LUA } from './sliding-log.js';
import { CONCURRENCY_LUA } from './concurrency.js';
import { SLIDING_WINDOW_LUA } from './sliding-window.js';
import { TOKEN_BUCKET_LUA } from './token-bucket.js';

/** ARGV entries of the penalty, after the other policies' (offsets 1-based from there). */
export const PENALTY_ARGV = Object.freeze({ after: 1, within: 2, memory: 3, steps: 4 });
export const PENALTY_ARGS = 4;

/**
 * The penalty's state: one string `<blocked until µs>,<level>,<strike µs>,...` (strikes oldest
 * first), read with one gmatch and written with one SET PX. Mirrors core's algorithms/penalty.ts.
 */
const PENALTY_STATE_LUA = `
local function penalty_read(key)
  local blocked_until, level, strikes = 0, 0, {}
  local raw = redis.call('GET', key)
  if raw then
    local field = 0
    for text in string.gmatch(raw, '[^,]+') do
      field = field + 1
      if field == 1 then blocked_until = tonumber(text)
      elseif field == 2 then level = tonumber(text)
      else strikes[#strikes + 1] = tonumber(text) end
    end
  end
  return blocked_until, level, strikes
end

local function penalty_write(key, blocked_until, level, strikes, expires_at)
  local parts = { int(blocked_until), int(level) }
  for i = 1, #strikes do parts[#parts + 1] = int(strikes[i]) end
  redis.call('SET', key, table.concat(parts, ','), 'PX', ttl_ms(expires_at, now))
end
`;

/**
 * A decision whose policies include a penalty, in one script (core's store/decide-penalty.ts):
 * KEYS: the other policies' state keys in policy order, then the penalty's. ARGV: the request's,
 * each other policy's (algorithm code, limit, window), then the penalty's (PENALTY_ARGV): after,
 * within (µs), memory (µs the escalation level is remembered after a block), steps (µs, joined
 * by ','). Reply: RESULT_FIELDS figures per other policy, then the penalty's.
 * A blocked consume evaluates the others as a peek and writes nothing; a consume the others
 * deny writes only the penalty's strike (and block); otherwise all-or-nothing as usual.
 */
const PENALTY_DISPATCH = `
local count = #KEYS - 1
local penalty_key = KEYS[#KEYS]
local penalty_at = ${REQUEST_ARGS} + count * ${POLICY_ARGS}
local penalty_after = tonumber(ARGV[penalty_at + ${PENALTY_ARGV.after}])
local penalty_within = tonumber(ARGV[penalty_at + ${PENALTY_ARGV.within}])
local penalty_memory = tonumber(ARGV[penalty_at + ${PENALTY_ARGV.memory}])
local penalty_steps = {}
for text in string.gmatch(ARGV[penalty_at + ${PENALTY_ARGV.steps}], '[^,]+') do penalty_steps[#penalty_steps + 1] = tonumber(text) end

local blocked_until, level, strikes = penalty_read(penalty_key)
local block_left = 0
if blocked_until > now then block_left = blocked_until - now end
local blocked = mode == MODE_CONSUME and block_left > 0
local others_mode = mode
if blocked then others_mode = MODE_PEEK end

local reply, writes, admitted = {}, {}, {}
local all_allowed = true
${EVALUATE_POLICY_LUA}
for i = 1, count do
  local allowed, write = evaluate(i, others_mode)
  writes[i] = write or false
  admitted[i] = allowed == 1
  if allowed == 0 then all_allowed = false end
end

-- The penalty's figures, and whether this consume is a strike.
local p_allowed, p_remaining, p_reset, p_retry = 1, 0, 0, 0
local strike = false
if block_left > 0 then
  p_reset = block_left
  if mode == MODE_CONSUME or mode == MODE_PEEK then
    p_allowed = 0
    p_retry = block_left
  end
else
  local live = {}
  for i = 1, #strikes do
    if strikes[i] + penalty_within > now then live[#live + 1] = strikes[i] end
  end
  if mode ~= MODE_CONSUME or all_allowed then
    p_remaining = penalty_after - #live
    if #live > 0 then p_reset = live[#live] + penalty_within - now end
  else
    strike = true
    -- the escalation level survives while the last block ended less than the memory ago
    if not (level > 0 and blocked_until + penalty_memory > now) then
      level = 0
      blocked_until = 0
    end
    live[#live + 1] = now
    if #live < penalty_after then
      strikes = live
      p_remaining = penalty_after - #live
      p_reset = penalty_within
    else
      local block = penalty_steps[math.min(level + 1, #penalty_steps)]
      blocked_until = now + block
      level = level + 1
      strikes = {}
      p_allowed = 0
      p_reset = block
      p_retry = block
    end
  end
end

if mode == MODE_REFUND or mode == MODE_RELEASE or mode == MODE_RENEW or (mode == MODE_CONSUME and all_allowed and not blocked) then
  for i = 1, count do
    if writes[i] then writes[i]() end
  end
elseif mode == MODE_CONSUME and not blocked then
  for i = 1, count do
    if admitted[i] then evaluate(i, MODE_PEEK) end
  end
end
if strike then
  local expires_at = 0
  if #strikes > 0 then expires_at = strikes[#strikes] + penalty_within end
  if level > 0 and blocked_until + penalty_memory > expires_at then expires_at = blocked_until + penalty_memory end
  penalty_write(penalty_key, blocked_until, level, strikes, expires_at)
end

local slot = count * ${RESULT_FIELDS}
reply[slot + 1], reply[slot + 2], reply[slot + 3], reply[slot + 4], reply[slot + 5] = p_allowed, p_remaining, p_reset, p_retry, 0
return reply
`;

/** The script for a limiter with a penalty: every rate algorithm, the penalty and its dispatcher. */
export const PENALTY_SCRIPT = [
  HEADER_LUA,
  FIXED_WINDOW_LUA,
  SLIDING_WINDOW_LUA,
  SLIDING_LOG_LUA,
  GCRA_LUA,
  TOKEN_BUCKET_LUA,
  LEAKY_BUCKET_LUA,
  CONCURRENCY_LUA,
  PENALTY_STATE_LUA,
  PENALTY_DISPATCH,
].join('');
