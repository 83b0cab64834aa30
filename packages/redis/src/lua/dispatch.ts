/**
 * The decision: evaluate every policy, then commit all writes or none, like core's
 * store/decide.ts. A policy that would have allowed a consume another policy denied is
 * evaluated again as a peek, so it reports the state that was not charged.
 */
export const DISPATCH_LUA = `
local evaluators = {
  fw = fixed_window, sw = sliding_window, sl = sliding_log, tb = token_bucket, lb = leaky_bucket,
}

local count = #KEYS
local reply, writes, admitted = {}, {}, {}
local all_allowed = true
for i = 1, count do
  local at = 3 + (i - 1) * 3
  local evaluate = evaluators[ARGV[at + 1]]
  if evaluate == nil then return redis.error_reply('ERR sluice: unknown algorithm code ' .. tostring(ARGV[at + 1])) end
  local limit, window = tonumber(ARGV[at + 2]), tonumber(ARGV[at + 3])
  local allowed, remaining, reset, retry, delay, write = evaluate(KEYS[i], now, cost, mode, limit, window)
  local slot = (i - 1) * 5
  reply[slot + 1], reply[slot + 2], reply[slot + 3], reply[slot + 4], reply[slot + 5] = allowed, remaining, reset, retry, delay
  writes[i] = write or false
  admitted[i] = allowed == 1
  if allowed == 0 then all_allowed = false end
end

if mode == 'refund' or (mode == 'consume' and all_allowed) then
  for i = 1, count do
    if writes[i] then writes[i]() end
  end
elseif mode == 'consume' then
  for i = 1, count do
    if admitted[i] then
      local at = 3 + (i - 1) * 3
      local allowed, remaining, reset, retry, delay =
        evaluators[ARGV[at + 1]](KEYS[i], now, cost, 'peek', tonumber(ARGV[at + 2]), tonumber(ARGV[at + 3]))
      local slot = (i - 1) * 5
      reply[slot + 1], reply[slot + 2], reply[slot + 3], reply[slot + 4], reply[slot + 5] = allowed, remaining, reset, retry, delay
    end
  end
end
return reply
`;
