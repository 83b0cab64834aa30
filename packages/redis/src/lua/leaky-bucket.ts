/** Leaky bucket: GCRA shaping, an admitted request waits `delay` for its turn to leave. */
export const LEAKY_BUCKET_LUA = `
local function leaky_bucket(key, now, cost, mode, capacity, interval)
  return gcra(key, now, cost, mode, capacity, interval, true)
end
`;
