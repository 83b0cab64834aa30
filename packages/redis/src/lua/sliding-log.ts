/**
 * Mirrors core's algorithms/sliding-log.ts. State: a list of stamps (µs), one per admitted
 * unit, oldest first and never decreasing, expiring a window after the newest. Expired stamps
 * form a prefix, found by binary search with LINDEX instead of reading the whole list.
 */
export const SLIDING_LOG_LUA = `
local function stamp_at(key, index)
  return tonumber(redis.call('LINDEX', key, index))
end

-- RPUSH in chunks: unpack() of a very long table would overflow Lua's C stack.
local function push_repeated(key, value, times)
  local text = int(value)
  local size = math.min(times, 1000)
  local chunk = {}
  for i = 1, size do chunk[i] = text end
  local left = times
  while left >= size do
    redis.call('RPUSH', key, unpack(chunk))
    left = left - size
  end
  if left > 0 then redis.call('RPUSH', key, unpack(chunk, 1, left)) end
end

local function sliding_log(key, now, cost, mode, limit, window)
  local length = redis.call('LLEN', key)
  local first = 0
  if length > 0 and stamp_at(key, 0) + window <= now then
    local low, high = 1, length
    while low < high do
      local middle = math.floor((low + high) / 2)
      if stamp_at(key, middle) + window <= now then low = middle + 1 else high = middle end
    end
    first = low
  end
  local used = length - first
  local newest = now
  if used > 0 then newest = stamp_at(key, -1) end

  if mode == MODE_REFUND then
    local kept = used - math.min(cost, used)
    if kept == 0 then
      local write = nil
      if length > 0 then write = deleter(key) end
      return 1, limit, 0, 0, 0, write
    end
    local last = stamp_at(key, first + kept - 1)
    return 1, limit - kept, last + window - now, 0, 0, function()
      redis.call('LTRIM', key, first, first + kept - 1)
      redis.call('PEXPIRE', key, ttl_ms(last + window, now))
    end
  end
  local allowed = used + cost <= limit
  if mode == MODE_PEEK or not allowed then
    local reset, retry_after = 0, 0
    if used > 0 then reset = newest + window - now end
    if not allowed then
      -- Free the oldest (used + cost - limit) units: the last of them expires at its stamp + window.
      if cost > limit then retry_after = NEVER else retry_after = stamp_at(key, first + used + cost - limit - 1) + window - now end
    end
    return allowed and 1 or 0, limit - used, reset, retry_after, 0, nil
  end
  local stamp = math.max(now, newest)
  return 1, limit - used - cost, stamp + window - now, 0, 0, function()
    if first > 0 then redis.call('LTRIM', key, first, -1) end
    push_repeated(key, stamp, cost)
    redis.call('PEXPIRE', key, ttl_ms(stamp + window, now))
  end
end
`;
