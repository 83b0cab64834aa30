/**
 * Mirrors core's algorithms/buckets.ts: GCRA on one timestamp, the theoretical arrival time
 * (`tat`), stored (layout 2, see state-version.ts) as one little-endian double,
 * `struct.pack('<d', tat)`, expiring at `tat`. The token and leaky buckets differ only in
 * `shaping`: the leaky bucket reports the wait for its turn as the delay. This is the
 * multi-policy script's evaluator; a lone policy runs the inline copy in single-policy.ts.
 */
export const GCRA_LUA = `
local function gcra(key, now, cost, mode, capacity, interval, shaping)
  local span = capacity * interval
  local raw = redis.call('GET', key)
  local base = now
  if raw then
    local stored = struct.unpack('<d', raw)
    if stored >= now then base = stored end
  end

  if mode == MODE_REFUND then
    local tat = math.max(now, base - cost * interval)
    local write = nil
    if tat > now then
      write = function() redis.call('SET', key, struct.pack('<d', tat), 'PX', ttl_ms(tat, now)) end
    elseif raw then
      write = deleter(key)
    end
    return 1, math.max(0, math.floor((span - (tat - now)) / interval)), tat - now, 0, 0, write
  end
  local tat = base + cost * interval
  local allowed = tat - now <= span
  if mode == MODE_PEEK or not allowed then
    local retry_after = 0
    if not allowed then
      if cost > capacity then retry_after = NEVER else retry_after = tat - span - now end
    end
    -- clamped: a clock that stepped back can put base beyond the span
    return allowed and 1 or 0, math.max(0, math.floor((span - (base - now)) / interval)), base - now, retry_after, 0, nil
  end
  local delay = 0
  if shaping then delay = base - now end
  return 1, math.floor((span - (tat - now)) / interval), tat - now, 0, delay, function()
    redis.call('SET', key, struct.pack('<d', tat), 'PX', ttl_ms(tat, now))
  end
end
`;
