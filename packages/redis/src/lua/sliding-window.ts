/**
 * Mirrors core's algorithms/sliding-window.ts: aligned windows, weights compared in integers
 * at millisecond granularity. State (layout 2, see state-version.ts): start (µs), current and
 * previous counts packed as three little-endian doubles, `struct.pack('<ddd', ...)`, expiring when
 * the window after `start` ends (its count stops weighing then).
 */
export const SLIDING_WINDOW_LUA = `
-- Lua 5.1 computes a % b as a - floor(a / b) * b; the corrections keep it exact like JS's fmod.
local function floor_mod(a, b)
  local r = a - math.floor(a / b) * b
  if r < 0 then r = r + b elseif r >= b then r = r - b end
  return r
end

local function sliding_window_remaining(limit, window_ms, current, previous, weight_ms)
  local free = limit * window_ms - previous * weight_ms - current * window_ms
  if free <= 0 then return 0 end
  return math.floor(free / window_ms)
end

local function sliding_window_reset(now, start, window, current, previous)
  if current > 0 then return start + 2 * window - now end
  if previous > 0 then return start + window - now end
  return 0
end

-- Earliest time a request of cost fits: later in this window as previous fades, or in the next.
local function sliding_window_retry_after(limit, window_ms, window, now, start, current, previous, cost)
  if cost > limit then return NEVER end
  local room = limit - current - cost
  if room >= 0 and previous > 0 then
    local elapsed_ms = window_ms - math.floor((room * window_ms) / previous)
    return start + elapsed_ms * 1000 - now
  end
  local next_room = limit - cost
  local elapsed_ms = 0
  if current ~= 0 then elapsed_ms = math.max(0, window_ms - math.floor((next_room * window_ms) / current)) end
  return start + window + elapsed_ms * 1000 - now
end

local function sliding_window_writer(key, now, start, window, current, previous)
  if current == 0 and previous == 0 then return deleter(key) end
  return function()
    redis.call('SET', key, struct.pack('<ddd', start, current, previous), 'PX', ttl_ms(start + 2 * window, now))
  end
end

local function sliding_window(key, now, cost, mode, limit, window)
  local window_ms = window / 1000
  local start = now - floor_mod(now, window)
  local current, previous = 0, 0
  local raw = redis.call('GET', key)
  if raw then
    local stored_start, c, p = struct.unpack('<ddd', raw)
    -- a state from a later window means the clock stepped back: keep counting in it
    if stored_start >= start then
      start = stored_start
      current = c
      previous = p
    elseif stored_start == start - window then
      previous = c
    end
  end
  local weight_ms = window_ms - math.floor(math.max(0, now - start) / 1000)

  if mode == MODE_REFUND then
    local from_current = math.min(current, cost)
    current = current - from_current
    previous = math.max(0, previous - (cost - from_current))
    local write = sliding_window_writer(key, now, start, window, current, previous)
    if not raw and current == 0 and previous == 0 then write = nil end
    return 1, sliding_window_remaining(limit, window_ms, current, previous, weight_ms),
      sliding_window_reset(now, start, window, current, previous), 0, 0, write
  end
  local allowed = previous * weight_ms + (current + cost) * window_ms <= limit * window_ms
  if mode == MODE_PEEK or not allowed then
    local retry_after = 0
    if not allowed then retry_after = sliding_window_retry_after(limit, window_ms, window, now, start, current, previous, cost) end
    return allowed and 1 or 0, sliding_window_remaining(limit, window_ms, current, previous, weight_ms),
      sliding_window_reset(now, start, window, current, previous), retry_after, 0, nil
  end
  current = current + cost
  return 1, sliding_window_remaining(limit, window_ms, current, previous, weight_ms),
    sliding_window_reset(now, start, window, current, previous), 0, 0,
    sliding_window_writer(key, now, start, window, current, previous)
end
`;
