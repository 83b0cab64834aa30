import { assertKnownKeys, assertPlainObject, InvalidOptionError } from '@sluice/core';
import { metrics, type Meter } from '@opentelemetry/api';
import { VERSION } from './version.js';

/** Options of `openTelemetryMetrics(options)`; bad or unknown ones throw InvalidOptionError naming the option. */
export interface OpenTelemetryMetricsOptions {
  /** Where the instruments are created. Default: `metrics.getMeter('@sluice/opentelemetry', VERSION)` (the global MeterProvider). */
  meter?: Meter;
  /**
   * Bucket boundaries advised for `sluice.store.duration`, in seconds: finite numbers > 0,
   * strictly increasing, at least one (a View configured in the SDK wins). Default
   * DEFAULT_STORE_DURATION_BOUNDARIES (0.25 ms to 1 s).
   */
  buckets?: readonly number[];
}

export interface ResolvedOpenTelemetryOptions {
  meter: Meter;
  buckets: number[];
}

/** Seconds: a local Redis answers in ~0.1-1 ms, a loaded one or Postgres in a few ms; timeoutMs defaults to 500 ms. */
export const DEFAULT_STORE_DURATION_BOUNDARIES: readonly number[] = Object.freeze([
  0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
]);

const OPTION_KEYS: ReadonlySet<string> = new Set(['meter', 'buckets']);
const METER_METHODS = ['createCounter', 'createHistogram', 'createObservableGauge'] as const;

/** Validates the options; bad ones throw InvalidOptionError (ERR_SLUICE_INVALID_OPTION / ERR_SLUICE_UNKNOWN_OPTION). */
export function resolveOpenTelemetryOptions(options: OpenTelemetryMetricsOptions = {}): ResolvedOpenTelemetryOptions {
  assertPlainObject(options, 'openTelemetryMetrics options');
  assertKnownKeys(options, OPTION_KEYS, '');
  const meter: unknown = options.meter ?? metrics.getMeter('@sluice/opentelemetry', VERSION);
  if (!isMeter(meter)) throw new InvalidOptionError('meter', meter, 'an OpenTelemetry Meter (metrics.getMeter() or a MeterProvider.getMeter())');
  return { meter, buckets: resolveBuckets(options.buckets ?? DEFAULT_STORE_DURATION_BOUNDARIES) };
}

/** Duck-typed: any Meter implementation (the SDK's, a vendor's) works. */
function isMeter(value: unknown): value is Meter {
  return typeof value === 'object' && value !== null && METER_METHODS.every((method) => typeof (value as Partial<Meter>)[method] === 'function');
}

function resolveBuckets(buckets: unknown): number[] {
  if (!Array.isArray(buckets) || buckets.length === 0) {
    throw new InvalidOptionError('buckets', buckets, 'a non-empty array of bucket boundaries in seconds');
  }
  buckets.forEach((bound: unknown, i) => {
    const previous = i === 0 ? 0 : (buckets[i - 1] as number);
    if (typeof bound !== 'number' || !Number.isFinite(bound) || bound <= previous) {
      throw new InvalidOptionError(`buckets[${i}]`, bound, `a finite number of seconds above ${previous} (boundaries > 0, strictly increasing)`);
    }
  });
  return [...(buckets as number[])];
}
