import { MODE_CODES, NEVER } from '@sluice/core';
import { OVERRIDDEN_CLOCK_MIN_TTL_MS, REQUEST_ARGS, REQUEST_ARGV } from './header.js';

// Inline scripts for a lone fixed window or bucket, the common case. Redis runs a script's
// whole body on every call, so these define no function, build no closure and format no
// text: TIME, one GET, at most one SET ... PX (or DEL), and a five-integer reply (core's
// RESULT_FIELD order). Measured with INFO commandstats, a function-per-algorithm script with
// decimal state cost about twice as much Redis CPU. They mirror the evaluators in
// fixed-window.ts and gcra.ts (which the multi-policy script runs) operation for operation,
// on the same state layout; the differential test (test/model.test.ts) checks both against
// core's reference model.

/**
 * ARGV: mode, cost, now (µs, '' for the server's TIME), limit or capacity, window or interval
 * (µs). Binds them to locals; `min_ttl` is the PX floor (ms) for a caller-given clock.
 */
const PROLOGUE = `
local key = KEYS[1]
local mode = tonumber(ARGV[${REQUEST_ARGV.mode}])
local cost = tonumber(ARGV[${REQUEST_ARGV.cost}])
local limit = tonumber(ARGV[${REQUEST_ARGS + 1}])
local window = tonumber(ARGV[${REQUEST_ARGS + 2}])
local now = tonumber(ARGV[${REQUEST_ARGV.now}])
local min_ttl = 0
if now == nil then
  local time = redis.call('TIME')
  now = time[1] * 1000000 + time[2]
else
  min_ttl = ${OVERRIDDEN_CLOCK_MIN_TTL_MS}
end
`;

/** A lone fixed window (limit, window µs); state `struct.pack('<dd', start, count)`. */
export const FIXED_WINDOW_SINGLE_LUA = `${PROLOGUE}
local start, count, live = now, 0, false
local raw = redis.call('GET', key)
if raw then
  local stored_start, stored_count = struct.unpack('<dd', raw)
  if now < stored_start + window then
    start, count, live = stored_start, stored_count, true
  end
end
local finish = start + window
if mode == ${MODE_CODES.consume} then
  local charged = count + cost
  if charged <= limit then
    redis.call('SET', key, struct.pack('<dd', start, charged), 'PX', math.max(math.ceil((finish - now) / 1000), min_ttl))
    return { 1, limit - charged, finish - now, 0, 0 }
  end
  local reset, retry_after = 0, finish - now
  if count ~= 0 then reset = finish - now end
  if cost > limit then retry_after = ${NEVER} end
  return { 0, limit - count, reset, retry_after, 0 }
end
if mode == ${MODE_CODES.refund} then
  local refunded = math.max(0, count - cost)
  local reset = 0
  if refunded ~= 0 then reset = finish - now end
  if live then
    redis.call('SET', key, struct.pack('<dd', start, refunded), 'PX', math.max(math.ceil((finish - now) / 1000), min_ttl))
  elseif raw then
    redis.call('DEL', key)
  end
  return { 1, limit - refunded, reset, 0, 0 }
end
local reset, retry_after, allowed = 0, 0, 1
if count ~= 0 then reset = finish - now end
if count + cost > limit then
  allowed = 0
  if cost > limit then retry_after = ${NEVER} else retry_after = finish - now end
end
return { allowed, limit - count, reset, retry_after, 0 }
`;

/**
 * A lone token bucket (`shaping` false) or leaky bucket (true): GCRA on one timestamp (capacity,
 * interval µs per unit); state `struct.pack('<d', tat)`.
 */
function gcraSingleLua(shaping: boolean): string {
  return `${PROLOGUE}
local span = limit * window
local base = now
local raw = redis.call('GET', key)
if raw then
  local stored = struct.unpack('<d', raw)
  if stored >= now then base = stored end
end
if mode == ${MODE_CODES.consume} then
  local tat = base + cost * window
  if tat - now <= span then
    redis.call('SET', key, struct.pack('<d', tat), 'PX', math.max(math.ceil((tat - now) / 1000), min_ttl))
    return { 1, math.floor((span - (tat - now)) / window), tat - now, 0, ${shaping ? 'base - now' : '0'} }
  end
  local retry_after = tat - span - now
  if cost > limit then retry_after = ${NEVER} end
  -- clamped: a clock that stepped back can put base beyond the span
  return { 0, math.max(0, math.floor((span - (base - now)) / window)), base - now, retry_after, 0 }
end
if mode == ${MODE_CODES.refund} then
  local tat = math.max(now, base - cost * window)
  if tat > now then
    redis.call('SET', key, struct.pack('<d', tat), 'PX', math.max(math.ceil((tat - now) / 1000), min_ttl))
  elseif raw then
    redis.call('DEL', key)
  end
  return { 1, math.max(0, math.floor((span - (tat - now)) / window)), tat - now, 0, 0 }
end
local tat = base + cost * window
local allowed, retry_after = 1, 0
if tat - now > span then
  allowed = 0
  if cost > limit then retry_after = ${NEVER} else retry_after = tat - span - now end
end
return { allowed, math.max(0, math.floor((span - (base - now)) / window)), base - now, retry_after, 0 }
`;
}

export const TOKEN_BUCKET_SINGLE_LUA = gcraSingleLua(false);
export const LEAKY_BUCKET_SINGLE_LUA = gcraSingleLua(true);
