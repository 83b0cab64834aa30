/** Token bucket: GCRA admitting at once (no delay). */
export const TOKEN_BUCKET_LUA = `
local function token_bucket(key, now, cost, mode, capacity, interval)
  return gcra(key, now, cost, mode, capacity, interval, false)
end
`;
