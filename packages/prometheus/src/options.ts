import { assertKnownKeys, assertPlainObject, InvalidOptionError } from '@sluice/core';
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

/** Seconds: a local Redis answers in ~0.1-1 ms, a loaded one or Postgres in a few ms; timeoutMs defaults to 500 ms. */
export const DEFAULT_STORE_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
]);

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
  return { registry, prefix, buckets: resolveBuckets(buckets) };
}

function resolveBuckets(buckets: unknown): number[] {
  if (!Array.isArray(buckets) || buckets.length === 0) {
    throw new InvalidOptionError('buckets', buckets, 'a non-empty array of bucket upper bounds in seconds');
  }
  buckets.forEach((bound: unknown, i) => {
    const previous = i === 0 ? 0 : (buckets[i - 1] as number);
    if (typeof bound !== 'number' || !Number.isFinite(bound) || bound <= previous) {
      throw new InvalidOptionError(`buckets[${i}]`, bound, `a finite number of seconds above ${previous} (bounds > 0, strictly increasing)`);
    }
  });
  return [...(buckets as number[])];
}

/** Duck-typed, so a registry from another copy of prom-client is accepted too. */
function isRegistry(value: unknown): value is Registry {
  const candidate = value as Partial<Registry> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.registerMetric === 'function' && typeof candidate.getSingleMetric === 'function';
}
