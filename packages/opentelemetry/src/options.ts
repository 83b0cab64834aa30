import { assertKnownKeys, assertPlainObject, DEFAULT_STORE_LATENCY_BUCKETS, InvalidOptionError, resolveLatencyBuckets } from '@sluice/core';
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

/** Seconds, 0.25 ms to 1 s: core's DEFAULT_STORE_LATENCY_BUCKETS (a local Redis answers in ~0.1-1 ms, Postgres in a few ms). */
export const DEFAULT_STORE_DURATION_BOUNDARIES: readonly number[] = DEFAULT_STORE_LATENCY_BUCKETS;

const OPTION_KEYS: ReadonlySet<string> = new Set(['meter', 'buckets']);
const METER_METHODS = ['createCounter', 'createHistogram', 'createObservableGauge'] as const;

/** Validates the options; bad ones throw InvalidOptionError (ERR_SLUICE_INVALID_OPTION / ERR_SLUICE_UNKNOWN_OPTION). */
export function resolveOpenTelemetryOptions(options: OpenTelemetryMetricsOptions = {}): ResolvedOpenTelemetryOptions {
  assertPlainObject(options, 'openTelemetryMetrics options');
  assertKnownKeys(options, OPTION_KEYS, '');
  const meter: unknown = options.meter ?? metrics.getMeter('@sluice/opentelemetry', VERSION);
  if (!isMeter(meter)) throw new InvalidOptionError('meter', meter, 'an OpenTelemetry Meter (metrics.getMeter() or a MeterProvider.getMeter())');
  return { meter, buckets: resolveLatencyBuckets(options.buckets ?? DEFAULT_STORE_DURATION_BOUNDARIES) };
}

/** Duck-typed: any Meter implementation (the SDK's, a vendor's) works. */
function isMeter(value: unknown): value is Meter {
  return typeof value === 'object' && value !== null && METER_METHODS.every((method) => typeof (value as Partial<Meter>)[method] === 'function');
}
