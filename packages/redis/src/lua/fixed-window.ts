/**
 * Mirrors core's algorithms/fixed-window.ts (the multi-policy script's evaluator; a lone policy
 * runs the inline copy in single-policy.ts). State (layout 2, see state-version.ts): start (µs)
 * and count packed as two little-endian doubles, `struct.pack('<dd', start, count)`, expiring
 * when the window ends.
 */
export const FIXED_WINDOW_LUA = `
local function fixed_window(key, now, cost, mode, limit, window)
  local start, count, live = now, 0, false
  local raw = redis.call('GET', key)
  if raw then
    local stored_start, stored_count = struct.unpack('<dd', raw)
    if now < stored_start + window then
      start = stored_start
      count = stored_count
      live = true
    end
  end
  local finish = start + window

  if mode == MODE_REFUND then
    local refunded = math.max(0, count - cost)
    local reset = 0
    if refunded ~= 0 then reset = finish - now end
    local write = nil
    if live then
      write = function() redis.call('SET', key, struct.pack('<dd', start, refunded), 'PX', ttl_ms(finish, now)) end
    elseif raw then
      write = deleter(key)
    end
    return 1, limit - refunded, reset, 0, 0, write
  end
  local allowed = count + cost <= limit
  if mode == MODE_PEEK or not allowed then
    local reset, retry_after = 0, 0
    if count ~= 0 then reset = finish - now end
    if not allowed then
      if cost > limit then retry_after = NEVER else retry_after = finish - now end
    end
    return allowed and 1 or 0, limit - count, reset, retry_after, 0, nil
  end
  local charged = count + cost
  return 1, limit - charged, finish - now, 0, 0, function()
    redis.call('SET', key, struct.pack('<dd', start, charged), 'PX', ttl_ms(finish, now))
  end
end
`;
