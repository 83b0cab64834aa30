/**
 * Sluice's limiter events as OpenTelemetry metrics (decisions, denials, degraded decisions,
 * store errors and latency, breaker state, block-cache hits, memory-store size). See docs/observability.md.
 *
 * @module @sluice/opentelemetry
 */
export { openTelemetryMetrics, type OpenTelemetryMetrics } from './opentelemetry-metrics.js';
export { DEFAULT_STORE_DURATION_BOUNDARIES, type OpenTelemetryMetricsOptions } from './options.js';
export { INSTRUMENT_NAMES, ATTRIBUTES } from './instruments.js';
export { VERSION } from './version.js';
export type { ObservableLimiter } from '@sluice/core';
