/**
 * Mirrors core's algorithms/concurrency.ts. State: one sorted set per key and policy, one
 * member per unit of a lease (`<id>`, then `<id>#2` ... `<id>#<units>`: lease ids hold no `#`),
 * scored by the lease's expiry in µs. A unit is held while now < its score, so the live units
 * are ZCOUNT (now, +inf]; a write drops the expired ones (ZREMRANGEBYSCORE -inf now). The lease
 * id is the script's last ARGV ('' when the request has none).
 */
export const CONCURRENCY_LUA = `
local function lease_is(member, id)
  return member == id or string.sub(member, 1, #id + 1) == id .. '#'
end

-- Units lease id has in the set (live or not) and their expiry (µs); 0 when it has none.
local function lease_units(key, id)
  if id == '' then return 0, 0 end
  local score = redis.call('ZSCORE', key, id)
  if not score then return 0, 0 end
  local units = 1
  while redis.call('ZSCORE', key, id .. '#' .. (units + 1)) do units = units + 1 end
  return units, tonumber(score)
end

-- ZADD (or ZREM when score is nil) every unit member of lease id, in chunks (unpack limits).
local function lease_write(key, id, units, score, flag)
  local args, n = {}, 0
  local function flush()
    if n == 0 then return end
    if score == nil then redis.call('ZREM', key, unpack(args, 1, n))
    elseif flag then redis.call('ZADD', key, flag, unpack(args, 1, n))
    else redis.call('ZADD', key, unpack(args, 1, n)) end
    n = 0
  end
  for k = 1, units do
    local member = id
    if k > 1 then member = id .. '#' .. k end
    if score ~= nil then n = n + 1; args[n] = score end
    n = n + 1; args[n] = member
    if n >= 2000 then flush() end
  end
  flush()
end

local function concurrency(key, now, cost, mode, limit, window)
  local id = ARGV[#ARGV]
  local after_now = '(' .. int(now)
  local used = redis.call('ZCOUNT', key, after_now, '+inf')
  local own = 0
  if mode ~= MODE_REFUND then
    local units, expiry = lease_units(key, id)
    if expiry > now then own = units end
  end

  -- The latest live expiry (µs), skipping lease id's units when skip; now when none.
  local function latest(skip)
    local skipped = skip and own or 0
    local entries = redis.call('ZREVRANGEBYSCORE', key, '+inf', after_now, 'WITHSCORES', 'LIMIT', 0, skipped + 1)
    for i = 1, #entries, 2 do
      if not (skip and lease_is(entries[i], id)) then return tonumber(entries[i + 1]) end
    end
    return now
  end
  -- Worst case for cost with held units counted: when enough units expire, in expiry order.
  local function retry(skip, held)
    if cost > limit then return NEVER end
    local excess = held + cost - limit
    if excess <= 0 then return 0 end
    local skipped = skip and own or 0
    local entries = redis.call('ZRANGEBYSCORE', key, after_now, '+inf', 'WITHSCORES', 'LIMIT', 0, excess + skipped)
    for i = 1, #entries, 2 do
      if not (skip and lease_is(entries[i], id)) then
        excess = excess - 1
        if excess == 0 then return tonumber(entries[i + 1]) - now end
      end
    end
    return 0
  end
  local function free(held)
    if held >= limit then return 0 end
    return limit - held
  end
  -- Drops expired units; then the key lives until its latest expiry, or goes.
  local function settle(latest_expiry)
    redis.call('ZREMRANGEBYSCORE', key, '-inf', int(now))
    if latest_expiry > now then redis.call('PEXPIRE', key, ttl_ms(latest_expiry, now)) else redis.call('DEL', key) end
  end

  if mode == MODE_PEEK then
    -- As a consume with this lease id would be decided (its own live lease does not count), unwritten.
    local allowed = used - own + cost <= limit
    local retry_after = 0
    if not allowed then retry_after = retry(true, used - own) end
    return allowed and 1 or 0, free(used), latest(false) - now, retry_after, 0, nil
  end
  if mode == MODE_REFUND then
    local last = latest(false)
    return 1, free(used), last - now, 0, 0, function() settle(last) end
  end
  if mode == MODE_RELEASE then
    local last = latest(true)
    local units = lease_units(key, id)
    return 1, free(used - own), last - now, 0, 0, function()
      if units > 0 then lease_write(key, id, units, nil) end
      settle(last)
    end
  end
  if mode == MODE_RENEW then
    if own == 0 then
      local last = latest(false)
      return 0, free(used), last - now, retry(false, used), 0, function() settle(last) end
    end
    local last = math.max(latest(true), now + window)
    return 1, free(used), last - now, 0, 0, function()
      lease_write(key, id, own, int(now + window), 'XX')
      settle(last)
    end
  end
  local others = used - own
  if others + cost > limit then
    return 0, free(used), latest(false) - now, retry(true, others), 0, nil
  end
  local expiry = now + window
  local last = math.max(latest(true), expiry)
  return 1, free(others + cost), last - now, 0, 0, function()
    local units = lease_units(key, id)
    if units > 0 then lease_write(key, id, units, nil) end
    lease_write(key, id, cost, int(expiry))
    settle(last)
  end
end
`;
