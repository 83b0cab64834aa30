/**
 * Mirrors core's algorithms/fixed-window.ts. State: the string `<start>:<count>`, expiring
 * when the window ends; read with one string.match and written with one string.format
 * (each string built in Lua costs Redis CPU on every decision).
 */
export const FIXED_WINDOW_LUA = `
local function fixed_window(key, now, cost, mode, limit, window)
  local start, count, live = now, 0, false
  local raw = redis.call('GET', key)
  if raw then
    local stored_start, stored_count = string.match(raw, '^([^:]+):([^:]+)$')
    stored_start = tonumber(stored_start)
    if now < stored_start + window then
      start = stored_start
      count = tonumber(stored_count)
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
      write = function() redis.call('SET', key, string.format('%.0f:%.0f', start, refunded), 'PX', ttl_ms(finish, now)) end
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
    redis.call('SET', key, string.format('%.0f:%.0f', start, charged), 'PX', ttl_ms(finish, now))
  end
end
`;
