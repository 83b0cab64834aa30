import { assertKnownKeys, assertPlainObject, DEFAULT_STORE_LATENCY_BUCKETS, InvalidOptionError, resolveLatencyBuckets } from '@sluice/core';
import { register as defaultRegistry, type Registry } from 'prom-client';

/** Options of `prometheusMetrics(options)`; bad or unknown ones throw InvalidOptionError naming the option. */
export interface PrometheusMetricsOptions {
  /** Where the metrics are registered (a prom-client Registry). Default: prom-client's global `register`. */
  registry?: Registry;
  /**
   * Put before every metric name: '' or a valid Prometheus name start (`[a-zA-Z_:][a-zA-Z0-9_:]*`).
   * Default 'sluice_'.
   */
  prefix?: string;
  /**
   * Upper bounds of the store latency histogram's buckets, in seconds: finite numbers > 0, strictly
   * increasing, at least one. Default DEFAULT_STORE_DURATION_BUCKETS (0.25 ms to 1 s).
   */
  buckets?: readonly number[];
}

export interface ResolvedPrometheusOptions {
  registry: Registry;
  prefix: string;
  buckets: number[];
}

/** Seconds, 0.25 ms to 1 s: core's DEFAULT_STORE_LATENCY_BUCKETS (a local Redis answers in ~0.1-1 ms, Postgres in a few ms). */
export const DEFAULT_STORE_DURATION_BUCKETS: readonly number[] = DEFAULT_STORE_LATENCY_BUCKETS;

const OPTION_KEYS: ReadonlySet<string> = new Set(['registry', 'prefix', 'buckets']);
const NAME_PREFIX = /^(?:[a-zA-Z_:][a-zA-Z0-9_:]*)?$/;

/** Validates the options; bad ones throw InvalidOptionError (ERR_SLUICE_INVALID_OPTION / ERR_SLUICE_UNKNOWN_OPTION). */
export function resolvePrometheusOptions(options: PrometheusMetricsOptions = {}): ResolvedPrometheusOptions {
  assertPlainObject(options, 'prometheusMetrics options');
  assertKnownKeys(options, OPTION_KEYS, '');
  const { registry = defaultRegistry, prefix = 'sluice_', buckets = DEFAULT_STORE_DURATION_BUCKETS } = options;
  if (!isRegistry(registry)) throw new InvalidOptionError('registry', registry, 'a prom-client Registry');
  if (typeof prefix !== 'string' || !NAME_PREFIX.test(prefix)) {
    throw new InvalidOptionError('prefix', prefix, "'' or a Prometheus metric name start ([a-zA-Z_:][a-zA-Z0-9_:]*)");
  }
  return { registry, prefix, buckets: resolveLatencyBuckets(buckets) };
}

/** Duck-typed, so a registry from another copy of prom-client is accepted too. */
function isRegistry(value: unknown): value is Registry {
  const candidate = value as Partial<Registry> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.registerMetric === 'function' && typeof candidate.getSingleMetric === 'function';
}
