import { UsageError } from '../errors.js';
import { windowText } from '../output/format.js';
import type { PolicySpec } from '../policies.js';
import type { Traffic } from '../traffic/types.js';
import { ADMITTED, DENIED, type Outcome, SHAPED, simulatePolicy } from './run.js';
import { jainIndex, niceBucketMs, percentile } from './stats.js';
import { worstWindowPerKey } from './worst-window.js';

/** Counts per time bucket, index i covering [i·bucketMs, (i+1)·bucketMs) from the traffic's start. */
export interface Series {
  /** Requests offered (arrived). */
  offered: number[];
  /** Admitted at once (no shaping delay). */
  admitted: number[];
  /** Admitted with a shaping delay, counted when they arrived. */
  shaped: number[];
  /** Denied. */
  denied: number[];
  /** Admitted requests counted when they leave (arrival + delayMs); differs from arrivals only when shaping. */
  released: number[];
}

/** What one policy did with the traffic: counts, the worst window, shaping delays, fairness and the per-bucket series. */
export interface PolicyReport {
  /** As written on the command line, e.g. `fixedWindow(limit=10,window=1s)`. */
  policy: string;
  /** The core algorithm, e.g. 'fixed-window'. */
  algorithm: string;
  /** Requests offered. */
  offered: number;
  /** Every admitted request, shaped ones included. */
  admitted: number;
  /** Requests denied. */
  denied: number;
  /** Admitted with `delayMs > 0` (leaky bucket). */
  shaped: number;
  /**
   * The most requests one key got admitted in any window of `windowMs` (sliding, exact; shaped
   * requests counted when released). `limit` is the policy's limit (a bucket's capacity).
   */
  worstWindow: {
    /** The measured window's length, ms. */
    windowMs: number;
    /** The most requests one key got admitted in any such window. */
    count: number;
    /** The policy's limit (a bucket's capacity). */
    limit: number;
    /**
     * What the policy lets one key through in such a window, to compare `count` with: a window
     * policy's limit (a fixed window can reach up to twice it across an edge); for a bucket its
     * capacity plus its rate × the window (a full bucket, then the refill or leak).
     */
    allowed: number;
    /** The key that got them; null when nothing was admitted. */
    key: string | null;
    /** Where that window starts, ms from the traffic's start; null when nothing was admitted. */
    startMs: number | null };
  /** Shaping delay of shaped requests in ms (nearest-rank percentiles); null when none was shaped. */
  delayMs: {
    /** Median, ms. */
    p50: number;
    /** 99th percentile, ms. */
    p99: number;
    /** Longest, ms. */
    max: number } | null;
  /**
   * Across clients: Jain's index of admitted counts (1: every client got as many; null when nothing
   * was admitted); `top`: the busiest 1% of clients by offered requests (at least one) and their
   * share of what was offered and of what was admitted.
   */
  fairness: {
    /** Distinct client keys. */
    clients: number;
    /** Jain's fairness index of admitted counts, 1/n to 1; null when nothing was admitted. */
    jain: number | null;
    /** The busiest 1% of clients by offered requests (at least one). */
    top: {
      /** How many clients that is. */
      clients: number;
      /** Their share of the offered requests, 0..1. */
      offeredShare: number;
      /** Their share of the admitted requests, 0..1; null when nothing was admitted. */
      admittedShare: number | null } };
  /** Counts per time bucket, for the chart. */
  series: Series;
}

/** What `simulate` returns (and `sluice simulate --json` prints). */
export interface SimulationReport {
  /** Requests in the traffic. */
  requests: number;
  /** Distinct client keys. */
  clients: number;
  /** Length of the traffic, ms (at least the last request's time; a pattern may run past its last request). */
  durationMs: number;
  /** Width of the series' time buckets, ms. */
  bucketMs: number;
  /** Wall-clock ms the simulation took (all policies, without the chart). */
  elapsedMs: number;
  /** Each policy runs alone, on its own fresh store, against the same traffic. */
  policies: PolicyReport[];
}

/** Most time buckets over the traffic (`--bucket`): the series and the chart stay small. */
export const MAX_BUCKETS = 10_000;

/** Options of `simulate`. */
export interface ReportOptions {
  /** Width of a time bucket (ms); default a round width giving about 60 buckets. */
  bucketMs?: number;
  /** Length of the worst-window measure (ms); default the policy's window, 1 s for buckets. */
  windowMs?: number;
}

/**
 * Simulates every policy separately against `traffic` and measures what each admitted. Throws
 * UsageError naming `--bucket` when `bucketMs` would cut the traffic into more than MAX_BUCKETS.
 */
export function simulate(traffic: Traffic, policies: readonly PolicySpec[], options: ReportOptions = {}): SimulationReport {
  const started = performance.now();
  const durationMs = traffic.durationUs / 1000;
  const bucketMs = options.bucketMs ?? niceBucketMs(durationMs);
  const buckets = Math.ceil(durationMs / bucketMs);
  if (buckets > MAX_BUCKETS) {
    throw new UsageError(
      '--bucket',
      `${windowText(bucketMs)} makes ${buckets} buckets over ${windowText(Math.ceil(durationMs))}; at most ${MAX_BUCKETS}: use --bucket ${windowText(Math.ceil(durationMs / MAX_BUCKETS))} or more`,
    );
  }
  const offeredPerKey = new Float64Array(traffic.keys.length);
  for (let i = 0; i < traffic.keyIds.length; i++) offeredPerKey[traffic.keyIds[i]!]!++;
  const top = topClients(offeredPerKey);
  const reports = policies.map((spec) => {
    const outcome = simulatePolicy(traffic, spec);
    return measure(traffic, spec, outcome, { bucketMs, windowMs: options.windowMs, offeredPerKey, top });
  });
  return {
    requests: traffic.timesUs.length,
    clients: traffic.keys.length,
    durationMs,
    bucketMs,
    elapsedMs: Math.round(performance.now() - started),
    policies: reports,
  };
}

/** Ids of the busiest 1% of clients by offered requests (at least one; ties to the lower id). */
function topClients(offeredPerKey: Float64Array): number[] {
  const active = [...offeredPerKey.keys()].filter((k) => offeredPerKey[k]! > 0);
  active.sort((a, b) => offeredPerKey[b]! - offeredPerKey[a]! || a - b);
  return active.slice(0, Math.max(1, Math.ceil(active.length / 100)));
}

interface MeasureContext {
  bucketMs: number;
  windowMs: number | undefined;
  offeredPerKey: Float64Array;
  top: number[];
}

function measure(traffic: Traffic, spec: PolicySpec, outcome: Outcome, context: MeasureContext): PolicyReport {
  const { timesUs, keyIds, keys } = traffic;
  const { status, delayMs } = outcome;
  const n = timesUs.length;
  const bucketUs = context.bucketMs * 1000;
  let admitted = 0;
  let shaped = 0;
  for (let i = 0; i < n; i++) {
    if (status[i] !== DENIED) admitted++;
    if (status[i] === SHAPED) shaped++;
  }
  // Admitted requests as the backend sees them: when released, by key.
  const releasedUs = new Float64Array(admitted);
  const releasedKeys = new Uint32Array(admitted);
  const delays = new Float64Array(shaped);
  const admittedPerKey = new Float64Array(keys.length);
  for (let i = 0, a = 0, s = 0; i < n; i++) {
    if (status[i] === DENIED) continue;
    releasedUs[a] = timesUs[i]! + Math.round(delayMs[i]! * 1000);
    releasedKeys[a++] = keyIds[i]!;
    admittedPerKey[keyIds[i]!]!++;
    if (status[i] === SHAPED) delays[s++] = delayMs[i]!;
  }
  // The traffic's span [0, durationUs) in whole buckets, then as many more as the last release
  // needs (shaped requests may leave after the traffic ends), at most MAX_BUCKETS more: the last holds the rest.
  const trafficBuckets = Math.max(1, Math.ceil(traffic.durationUs / bucketUs));
  const lastReleaseBucket = admitted > 0 ? Math.floor(maxOf(releasedUs) / bucketUs) + 1 : 0;
  const buckets = Math.max(trafficBuckets, Math.min(lastReleaseBucket, trafficBuckets + MAX_BUCKETS));
  const series: Series = { offered: zeros(buckets), admitted: zeros(buckets), shaped: zeros(buckets), denied: zeros(buckets), released: zeros(buckets) };
  const at = (us: number) => Math.min(buckets - 1, Math.floor(us / bucketUs));
  for (let i = 0; i < n; i++) {
    const b = at(timesUs[i]!);
    series.offered[b]!++;
    if (status[i] === ADMITTED) series.admitted[b]!++;
    else if (status[i] === SHAPED) series.shaped[b]!++;
    else series.denied[b]!++;
  }
  for (let a = 0; a < admitted; a++) series.released[at(releasedUs[a]!)]!++;

  const policy = spec.policy;
  const windowMs = context.windowMs ?? (policy.algorithm === 'token-bucket' || policy.algorithm === 'leaky-bucket' ? 1000 : policy.windowMs);
  const worst = worstWindowPerKey(releasedUs, releasedKeys, keys.length, windowMs * 1000);
  delays.sort();
  let topOffered = 0;
  let topAdmitted = 0;
  for (const k of context.top) {
    topOffered += context.offeredPerKey[k]!;
    topAdmitted += admittedPerKey[k]!;
  }
  const activeAdmitted = [...context.offeredPerKey.keys()].filter((k) => context.offeredPerKey[k]! > 0).map((k) => admittedPerKey[k]!);
  return {
    policy: spec.label,
    algorithm: policy.algorithm,
    offered: n,
    admitted,
    denied: n - admitted,
    shaped,
    worstWindow: {
      windowMs,
      count: worst.count,
      limit: policy.limit,
      allowed: allowedIn(policy, windowMs),
      key: worst.keyId >= 0 ? keys[worst.keyId]! : null,
      startMs: worst.keyId >= 0 ? worst.startUs / 1000 : null,
    },
    delayMs: shaped > 0 ? { p50: percentile(delays, 0.5), p99: percentile(delays, 0.99), max: delays[shaped - 1]! } : null,
    fairness: {
      clients: activeAdmitted.length,
      jain: jainIndex(activeAdmitted),
      top: { clients: context.top.length, offeredShare: n > 0 ? topOffered / n : 0, admittedShare: admitted > 0 ? topAdmitted / admitted : null },
    },
    series,
  };
}

/** See PolicyReport.worstWindow.allowed. */
function allowedIn(policy: PolicySpec['policy'], windowMs: number): number {
  if (policy.algorithm !== 'token-bucket' && policy.algorithm !== 'leaky-bucket') return policy.limit;
  return policy.capacity + Math.floor((policy.ratePerSecond * windowMs) / 1000 + 1e-9);
}

function zeros(length: number): number[] {
  return new Array<number>(length).fill(0);
}

/** The largest value (spreading a million values into Math.max would overflow the stack). */
function maxOf(values: Float64Array): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  return max;
}
