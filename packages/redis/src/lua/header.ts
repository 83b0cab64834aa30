/**
 * A fake clock (`nowMs`) says nothing about real time, so Redis must not expire its state
 * early while the caller's clock still needs it: keys written on one live at least this long.
 */
export const OVERRIDDEN_CLOCK_MIN_TTL_MS = 60_000;

/**
 * The script's opening: the request-wide arguments, the clock, and the integer helpers every
 * algorithm shares. Lua 5.1 numbers are IEEE doubles like JS numbers, so integers up to 2^53
 * are exact and the same operations round the same way; only `%`, formatting and the reply
 * need care (see below).
 *
 * ARGV: [1] mode, [2] cost, [3] now in µs or '' for the server clock, then per policy:
 * algorithm code, limit (or capacity), window (or interval) in µs. KEYS: one state key per policy.
 */
export const HEADER_LUA = `
local mode = ARGV[1]
local cost = tonumber(ARGV[2])
local clock_overridden = ARGV[3] ~= ''
local now
if clock_overridden then
  now = tonumber(ARGV[3])
else
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000000 + tonumber(time[2])
end

-- Lua 5.1 computes a % b as a - floor(a / b) * b; the corrections keep it exact like JS's fmod.
local function floor_mod(a, b)
  local r = a - math.floor(a / b) * b
  if r < 0 then r = r + b elseif r >= b then r = r - b end
  return r
end

-- tostring() keeps only 14 significant digits; '%.0f' writes any integer-valued double exactly.
local function int(n)
  return string.format('%.0f', n)
end

-- With a caller-given clock (ARGV[3]), keys live at least this long (see OVERRIDDEN_CLOCK_MIN_TTL_MS in header.ts).
local OVERRIDDEN_CLOCK_MIN_TTL_MS = ${OVERRIDDEN_CLOCK_MIN_TTL_MS}

-- Expiry is garbage collection only: the state's remaining lifetime, rounded up to whole ms.
local function ttl_ms(expires_at, at)
  local ms = math.ceil((expires_at - at) / 1000)
  if clock_overridden and ms < OVERRIDDEN_CLOCK_MIN_TTL_MS then ms = OVERRIDDEN_CLOCK_MIN_TTL_MS end
  return int(ms)
end

-- An evaluation returns: allowed (1/0), remaining, resetAfterUs, retryAfterUs (-1 = never),
-- delayUs, and the write to run if the decision commits (nil: nothing to write).
local NEVER = -1

local function deleter(key)
  return function() redis.call('DEL', key) end
end
`;
