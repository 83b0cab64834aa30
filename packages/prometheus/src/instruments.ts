import { InvalidOptionError } from '@sluice/core';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ResolvedPrometheusOptions } from './options.js';

/** Metric names without the prefix ('sluice_' by default). */
export const METRIC_NAMES = Object.freeze({
  decisions: 'decisions_total',
  denials: 'denials_total',
  refunds: 'refunds_total',
  degraded: 'degraded_decisions_total',
  storeErrors: 'store_errors_total',
  storeDuration: 'store_duration_seconds',
  breakerState: 'breaker_state',
  breakerTransitions: 'breaker_transitions_total',
  blockCacheHits: 'block_cache_hits_total',
  memoryStoreKeys: 'memory_store_keys',
});

type Labels<N extends string> = readonly N[];
const DECISION_LABELS: Labels<'limiter' | 'policy' | 'outcome' | 'enforced'> = ['limiter', 'policy', 'outcome', 'enforced'];
const DENIAL_LABELS: Labels<'limiter' | 'policy' | 'enforced' | 'decided_by'> = ['limiter', 'policy', 'enforced', 'decided_by'];

export interface Instruments {
  decisions: Counter<'limiter' | 'policy' | 'outcome' | 'enforced'>;
  denials: Counter<'limiter' | 'policy' | 'enforced' | 'decided_by'>;
  refunds: Counter<'limiter'>;
  degraded: Counter<'limiter' | 'reason' | 'decided_by'>;
  storeErrors: Counter<'limiter' | 'store' | 'role' | 'code'>;
  storeDuration: Histogram<'limiter'>;
  breakerState: Gauge<'store' | 'state'>;
  breakerTransitions: Counter<'store' | 'from' | 'to'>;
  blockCacheHits: Counter<'limiter'>;
  memoryStoreKeys: Gauge<'store'>;
}

/**
 * Creates and registers every metric. `collectBreaker` and `collectKeys` fill the two gauges at
 * scrape time. Throws InvalidOptionError (option `registry`) when the registry already holds one
 * of the names (one prometheusMetrics per registry and prefix: share it between limiters).
 */
export function createInstruments(
  { registry, prefix, buckets }: ResolvedPrometheusOptions,
  collectBreaker: (gauge: Gauge<'store' | 'state'>) => void,
  collectKeys: (gauge: Gauge<'store'>) => void,
): Instruments {
  for (const name of Object.values(METRIC_NAMES)) assertFree(registry, prefix + name);
  const registers = [registry];
  const name = (key: keyof typeof METRIC_NAMES): string => prefix + METRIC_NAMES[key];
  return {
    decisions: new Counter({
      name: name('decisions'),
      help: "Rate-limit decisions (consume), by limiter prefix, binding policy and outcome (allowed, denied, shaped); enforced=false: a shadow policy's outcome that was not applied.",
      labelNames: DECISION_LABELS,
      registers,
    }),
    denials: new Counter({
      name: name('denials'),
      help: 'Denied decisions (consume): 429s, or 503s when decided_by="failure-policy"; enforced=false: shadow denials that were not applied.',
      labelNames: DENIAL_LABELS,
      registers,
    }),
    refunds: new Counter({ name: name('refunds'), help: 'Refunds (cost given back, e.g. successful logins), by limiter prefix.', labelNames: ['limiter'], registers }),
    degraded: new Counter({
      name: name('degraded'),
      help: 'Decisions made without the primary store, by reason (store-error, timeout, breaker-open) and decided_by (fallback, failure-policy).',
      labelNames: ['limiter', 'reason', 'decided_by'],
      registers,
    }),
    storeErrors: new Counter({
      name: name('storeErrors'),
      help: 'Store failures, by store (constructor name), role (store, onStoreError: the fallback store) and error code.',
      labelNames: ['limiter', 'store', 'role', 'code'],
      registers,
    }),
    storeDuration: new Histogram({
      name: name('storeDuration'),
      help: 'Time asynchronous stores took to decide (timeouts included), in seconds.',
      labelNames: ['limiter'],
      buckets,
      registers,
    }),
    breakerState: new Gauge({
      name: name('breakerState'),
      help: "Circuit breaker state per observed store: 1 for the current state (closed, half-open, open), 0 for the others.",
      labelNames: ['store', 'state'],
      registers,
      collect() {
        collectBreaker(this);
      },
    }),
    breakerTransitions: new Counter({
      name: name('breakerTransitions'),
      help: 'Circuit breaker state changes, by store and from/to state.',
      labelNames: ['store', 'from', 'to'],
      registers,
    }),
    blockCacheHits: new Counter({
      name: name('blockCacheHits'),
      help: 'Requests denied by the block cache without a store call, by limiter prefix.',
      labelNames: ['limiter'],
      registers,
    }),
    memoryStoreKeys: new Gauge({
      name: name('memoryStoreKeys'),
      help: 'States held by an observed memory store (client key x policy).',
      labelNames: ['store'],
      registers,
      collect() {
        collectKeys(this);
      },
    }),
  };
}

function assertFree(registry: Registry, name: string): void {
  if (registry.getSingleMetric(name) !== undefined) {
    throw new InvalidOptionError('registry', registry, `a registry without a metric named ${name} (create one prometheusMetrics per registry and prefix, and observe every limiter with it)`);
  }
}
