import { seededRandom, zipfSampler } from './random.js';
import type { Segment } from './types.js';

// Generators: times in ms in the options, integer µs in the result. Every one is
// deterministic (zipf draws from a seeded PRNG), so a command always simulates the same traffic.

const US_PER_MS = 1000;

/** Names for `clients` clients: client-1 ... client-N (one client: just client-1). */
function clientNames(clients: number): string[] {
  return Array.from({ length: clients }, (_, i) => `client-${i + 1}`);
}

function segment(timesUs: number[] | Float64Array, keyIds: Uint32Array, keys: string[], endUs: number): Segment {
  return { timesUs: Float64Array.from(timesUs), keyIds, keys, endUs };
}

/** Round-robin key ids for `n` requests over `clients` clients. */
function roundRobin(n: number, clients: number): Uint32Array {
  const ids = new Uint32Array(n);
  for (let i = 0; i < n; i++) ids[i] = i % clients;
  return ids;
}

/** Options of `steady`. */
export interface SteadyOptions {
  /** Requests per second (> 0). */
  rate: number;
  /** How long the pattern lasts, ms. */
  durationMs: number;
  /** When it starts, ms. Default 0. */
  startMs?: number;
  /** Requests go round-robin over client-1..client-N. Default 1. */
  clients?: number;
}

/** `rate` requests per second, evenly spaced (the first at `startMs`), for `durationMs`. */
export function steady({ rate, durationMs, startMs = 0, clients = 1 }: SteadyOptions): Segment {
  const n = Math.floor((rate * durationMs) / 1000 + 1e-9);
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) times[i] = Math.round(startMs * US_PER_MS + (i * 1e6) / rate);
  return segment(times, roundRobin(n, clients), clientNames(clients), (startMs + durationMs) * US_PER_MS);
}

/** Options of `burst`. */
export interface BurstOptions {
  /** Requests per burst. */
  count: number;
  /** When the first burst starts (ms). Default 0. */
  atMs?: number;
  /** A burst's requests are spread evenly over this many ms (0: all at once). Default 0. */
  spreadMs?: number;
  /** Bursts in all. Default 1. */
  repeat?: number;
  /** Time from one burst's start to the next (ms). Default 1000. */
  everyMs?: number;
  /** Requests go round-robin over client-1..client-N. Default 1. */
  clients?: number;
}

/** `repeat` bursts of `count` requests, `everyMs` apart, each spread over `spreadMs`. */
export function burst({ count, atMs = 0, spreadMs = 0, repeat = 1, everyMs = 1000, clients = 1 }: BurstOptions): Segment {
  const times: number[] = [];
  for (let b = 0; b < repeat; b++) {
    const startUs = (atMs + b * everyMs) * US_PER_MS;
    for (let j = 0; j < count; j++) times.push(Math.round(startUs + (j * spreadMs * US_PER_MS) / count));
  }
  const endUs = (atMs + (repeat - 1) * everyMs + Math.max(spreadMs, 1)) * US_PER_MS;
  return segment(times, roundRobin(times.length, clients), clientNames(clients), endUs);
}

/** Options of `boundaryBurst`; all optional. */
export interface BoundaryBurstOptions {
  /** Requests in each of the two bursts. Default 20. */
  burst?: number;
  /** Where the window edge falls (ms after the first request). Default 1000. */
  boundaryMs?: number;
  /** Each burst lasts this long: one ends at the boundary, the other starts there. Default 100. */
  spreadMs?: number;
  /** Traffic length (ms). Default twice the boundary. */
  durationMs?: number;
}

/**
 * One client: a single request at 0 (it opens a fixed window there, so its edge falls at
 * `boundaryMs`; sliding windows are aligned to multiples of their length, and the traffic
 * starts on one), then `burst` requests in the `spreadMs` before the boundary and `burst` in
 * the `spreadMs` after it. A fixed window of length `boundaryMs` admits its limit on both
 * sides: up to twice the limit within `2 × spreadMs`.
 */
export function boundaryBurst({ burst = 20, boundaryMs = 1000, spreadMs = 100, durationMs }: BoundaryBurstOptions = {}): Segment {
  const times = [0];
  const stepUs = (spreadMs * US_PER_MS) / burst;
  const boundaryUs = boundaryMs * US_PER_MS;
  // Before the edge: the last request one step before it; after: the first exactly on it.
  for (let j = burst; j >= 1; j--) times.push(Math.round(boundaryUs - j * stepUs));
  for (let j = 0; j < burst; j++) times.push(Math.round(boundaryUs + j * stepUs));
  times.sort((a, b) => a - b);
  const endUs = Math.max((durationMs ?? 2 * boundaryMs) * US_PER_MS, boundaryUs + spreadMs * US_PER_MS);
  return segment(times, new Uint32Array(times.length), ['client-1'], endUs);
}

/** Options of `ramp`. */
export interface RampOptions {
  /** Rate at the start (requests/s, >= 0). */
  from: number;
  /** Rate at the end (requests/s, >= 0). */
  to: number;
  /** How long the ramp lasts, ms. */
  durationMs: number;
  /** When it starts, ms. Default 0. */
  startMs?: number;
  /** Requests go round-robin over client-1..client-N. Default 1. */
  clients?: number;
}

/**
 * A rate changing linearly from `from` to `to` per second over `durationMs`: request k arrives
 * when the expected count reaches k + 1/2 (evenly spaced at each instant's rate).
 */
export function ramp({ from, to, durationMs, startMs = 0, clients = 1 }: RampOptions): Segment {
  const seconds = durationMs / 1000;
  const a = (to - from) / (2 * seconds);
  const total = from * seconds + a * seconds * seconds;
  const n = Math.floor(total + 0.5 + 1e-9);
  const times = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const target = k + 0.5;
    // Root of a·t² + from·t = target in the stable form 2c / (b + √(b² + 4ac)), valid for a of either sign.
    const t = (2 * target) / (from + Math.sqrt(Math.max(0, from * from + 4 * a * target)));
    times[k] = Math.round((startMs + Math.min(t, seconds) * 1000) * US_PER_MS);
  }
  return segment(times, roundRobin(n, clients), clientNames(clients), (startMs + durationMs) * US_PER_MS);
}

/** Options of `zipf`. */
export interface ZipfOptions {
  /** Total requests per second over all clients, evenly spaced. */
  rate: number;
  /** How long the pattern lasts, ms. */
  durationMs: number;
  /** Clients client-1..client-N; client-1 is the busiest. Default 1000. */
  clients?: number;
  /** Zipf exponent: client r gets a share proportional to 1/r^s. Default 1.1. */
  s?: number;
  /** PRNG seed: the same seed draws the same clients. Default 1. */
  seed?: number;
  /** When it starts, ms. Default 0. */
  startMs?: number;
}

/** Steady total traffic whose clients are drawn from a Zipf distribution (a few heavy hitters, a long tail). */
export function zipf({ rate, durationMs, clients = 1000, s = 1.1, seed = 1, startMs = 0 }: ZipfOptions): Segment {
  const base = steady({ rate, durationMs, startMs });
  const draw = zipfSampler(clients, s, seededRandom(seed));
  const keyIds = new Uint32Array(base.timesUs.length);
  for (let i = 0; i < keyIds.length; i++) keyIds[i] = draw();
  return { timesUs: base.timesUs, keyIds, keys: clientNames(clients), endUs: base.endUs };
}
