/**
 * Sluice's limiter events as prom-client metrics (decisions, denials, degraded decisions,
 * store errors and latency, breaker state, block-cache hits, memory-store size). See docs/observability.md.
 *
 * @module @sluice/prometheus
 */
export { prometheusMetrics, type PrometheusMetrics } from './prometheus-metrics.js';
export { DEFAULT_STORE_DURATION_BUCKETS, type PrometheusMetricsOptions } from './options.js';
export { METRIC_NAMES } from './instruments.js';
export type { ObservableLimiter } from '@sluice/core';
