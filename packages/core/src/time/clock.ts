/**
 * Store time is kept in integer microseconds since the epoch: exact in doubles up to 2^53
 * (year 2255), in Lua numbers and in Postgres bigint alike, so boundaries never flip on
 * float error.
 */

/** Converts a caller-supplied `nowMs` (fractional allowed) to the store's integer microseconds. */
export function msToMicros(nowMs: number): number {
  return Math.round(nowMs * 1000);
}

/** Converts a duration in microseconds to whole milliseconds, rounding up (never early). */
export function microsToMsCeil(us: number): number {
  return us === Infinity ? Infinity : Math.ceil(us / 1000);
}

const origin = performance.timeOrigin;

/** Monotonic wall-clock-aligned microseconds: performance.now() never goes back. */
export function monotonicMicros(): number {
  return Math.floor((origin + performance.now()) * 1000);
}
