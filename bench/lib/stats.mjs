// Summary statistics for repeated measurements: medians, spread, bootstrap intervals.

/** Median of a non-empty array of numbers (the mean of the middle two for an even count). */
export function median(values) {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `{ median, min, max, spread }` where spread = (max - min) / median, a fraction. */
export function summarize(values) {
  const m = median(values);
  const min = Math.min(...values);
  const max = Math.max(...values);
  return { median: m, min, max, spread: m === 0 ? 0 : (max - min) / m, n: values.length };
}

/** Quantile q (0..1) of a sorted array, nearest rank. */
export function quantileSorted(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * sorted.length)))];
}

/** Deterministic PRNG (mulberry32), so a report's intervals are reproducible from its samples. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Percentile bootstrap of `statistic` over `samples` (resampled with replacement):
 * `{ estimate, low, high }` for a `level` (default 0.95) interval.
 */
export function bootstrap(samples, statistic = mean, { level = 0.95, resamples = 2000, seed = 9 } = {}) {
  if (samples.length === 0) throw new Error('bootstrap of no samples');
  const random = rng(seed);
  const stats = new Float64Array(resamples);
  const draw = new Array(samples.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < samples.length; i++) draw[i] = samples[Math.floor(random() * samples.length)];
    stats[r] = statistic(draw);
  }
  stats.sort();
  const tail = (1 - level) / 2;
  return { estimate: statistic(samples), low: quantileSorted(stats, tail), high: quantileSorted(stats, 1 - tail) };
}

export function mean(values) {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Fisher-Yates shuffle in place with Math.random (slice order only needs to vary, not repeat). */
export function shuffle(array) {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [array[i], array[j]] = [array[j], array[i]];
  }
  return array;
}
