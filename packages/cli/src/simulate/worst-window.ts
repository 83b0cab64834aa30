/** The busiest window found: `count` admitted in [startUs, startUs + windowUs) for one key. */
export interface WorstWindow {
  /** Requests admitted in that window. */
  readonly count: number;
  /** Start of the first such window (µs since the traffic's start); -1 when nothing was admitted. */
  readonly startUs: number;
  /** Index of the key it belongs to; -1 when nothing was admitted. */
  readonly keyId: number;
}

/**
 * The most requests in any half-open window [t, t + windowUs) of sorted `timesUs`: exact, since
 * some busiest window starts at a request. Two pointers, O(n). Returns the first busiest window.
 */
export function worstWindowSorted(timesUs: ArrayLike<number>, windowUs: number, from = 0, to = timesUs.length): {
  /** The most requests in one window. */
  count: number;
  /** Where the first such window starts, µs; -1 when there are no requests. */
  startUs: number } {
  let best = 0;
  let bestStart = -1;
  let end = from;
  for (let start = from; start < to; start++) {
    const limit = timesUs[start]! + windowUs;
    if (end < start) end = start;
    while (end < to && timesUs[end]! < limit) end++;
    if (end - start > best) {
      best = end - start;
      bestStart = timesUs[start]!;
    }
  }
  return { count: best, startUs: bestStart };
}

/**
 * The worst window over every key separately (a policy limits each key on its own): groups the
 * admitted requests' times by key (times sorted within each key), then `worstWindowSorted` per key.
 * `timesUs` need not be sorted overall. Ties go to the lowest key id.
 */
export function worstWindowPerKey(timesUs: ArrayLike<number>, keyIds: ArrayLike<number>, keyCount: number, windowUs: number): WorstWindow {
  const n = timesUs.length;
  // Counting sort by key: offsets per key, then each key's times in order of appearance.
  const offsets = new Uint32Array(keyCount + 1);
  for (let i = 0; i < n; i++) offsets[keyIds[i]! + 1]!++;
  for (let k = 0; k < keyCount; k++) offsets[k + 1]! += offsets[k]!;
  const fill = offsets.slice(0, keyCount);
  const grouped = new Float64Array(n);
  for (let i = 0; i < n; i++) grouped[fill[keyIds[i]!]!++] = timesUs[i]!;
  let worst: WorstWindow = { count: 0, startUs: -1, keyId: -1 };
  for (let k = 0; k < keyCount; k++) {
    const from = offsets[k]!;
    const to = offsets[k + 1]!;
    if (to - from <= worst.count) continue;
    const part = grouped.subarray(from, to);
    // Release times of a shaped key may interleave with arrival order; sort (a no-op when sorted).
    if (!isSorted(part)) part.sort();
    const found = worstWindowSorted(part, windowUs);
    if (found.count > worst.count) {
      worst = { count: found.count, startUs: found.startUs, keyId: k };
    }
  }
  return worst;
}

function isSorted(values: Float64Array): boolean {
  for (let i = 1; i < values.length; i++) if (values[i]! < values[i - 1]!) return false;
  return true;
}
