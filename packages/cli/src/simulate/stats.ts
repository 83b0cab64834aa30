/** Nearest-rank percentile of sorted values (p in (0, 1]): the smallest value with at least p of them at or below it. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1]!;
}

/**
 * Jain's fairness index of allocations: (Σx)² / (n·Σx²), from 1/n (one client got everything)
 * to 1 (every client got the same). Undefined (null) when nothing was allocated.
 */
export function jainIndex(values: ArrayLike<number>): number | null {
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!;
    squares += values[i]! * values[i]!;
  }
  return squares === 0 ? null : (sum * sum) / (values.length * squares);
}

/** A round bucket width (1, 2 or 5 × 10^k ms) giving at most about `target` buckets over `durationMs`. */
export function niceBucketMs(durationMs: number, target = 60): number {
  const raw = Math.max(1, durationMs / target);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const step of [1, 2, 5, 10]) if (step * power >= raw) return step * power;
  return 10 * power;
}
