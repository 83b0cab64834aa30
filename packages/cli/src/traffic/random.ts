/** mulberry32: a small seeded PRNG, so a pattern with the same seed is the same traffic. Returns [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Draws client ranks 0..clients-1 with P(rank r) proportional to 1 / (r + 1)^s (Zipf):
 * a cumulative table and a binary search per draw.
 */
export function zipfSampler(clients: number, s: number, random: () => number): () => number {
  const cdf = new Float64Array(clients);
  let total = 0;
  for (let r = 0; r < clients; r++) cdf[r] = total += 1 / (r + 1) ** s;
  return () => {
    const u = random() * total;
    let lo = 0;
    let hi = clients - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}
