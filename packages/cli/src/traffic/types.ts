/**
 * Requests in arrival order. Times are integer microseconds since the traffic's start (exact
 * arithmetic: a request exactly on a window boundary is judged the same way every time);
 * `keyIds[i]` indexes `keys`.
 */
export interface Traffic {
  /** Arrival times, integer µs since the traffic's start, ascending. */
  readonly timesUs: Float64Array;
  /** Per request, the index of its client key in `keys`. */
  readonly keyIds: Uint32Array;
  /** The distinct client keys. */
  readonly keys: readonly string[];
  /** Wall-clock ms of time 0 (what the limiter's `nowMs` sees); recorded logs keep their own. */
  readonly epochMs: number;
  /** Length of the traffic in µs: at least the last request's time. */
  readonly durationUs: number;
}

/** One generated pattern before merging: sorted times, keys by index into `keys`. */
export interface Segment {
  /** Arrival times, integer µs since the pattern's start, ascending. */
  readonly timesUs: Float64Array;
  /** Per request, the index of its client key in `keys`. */
  readonly keyIds: Uint32Array;
  /** The pattern's distinct client keys. */
  readonly keys: readonly string[];
  /** When the pattern ends (µs), which may be after its last request. */
  readonly endUs: number;
}

/** Most requests one simulation accepts (memory: about 13 bytes each, plus results per policy). */
export const MAX_REQUESTS = 20_000_000;
