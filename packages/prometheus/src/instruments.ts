import { InvalidOptionError, Tally } from '@sluice/core';
import { Counter, Gauge, Histogram, type LabelValues, type Registry } from 'prom-client';
import type { ResolvedPrometheusOptions } from './options.js';

/** Metric names without the prefix ('sluice_' by default). */
export const METRIC_NAMES = Object.freeze({
  /** Counter: decisions (consume) by limiter, binding policy, outcome (allowed, denied, shaped) and enforced. */
  decisions: 'decisions_total',
  /** Counter: denied decisions (429s, or 503s when decided_by="failure-policy") by limiter, policy, enforced, decided_by. */
  denials: 'denials_total',
  /** Counter: refunds (cost given back) by limiter. */
  refunds: 'refunds_total',
  /** Counter: decisions made without the primary store, by limiter, reason (store-error, timeout, breaker-open) and decided_by. */
  degraded: 'degraded_decisions_total',
  /** Counter: store failures by limiter, store, role (store or onStoreError) and error code. */
  storeErrors: 'store_errors_total',
  /** Histogram: time asynchronous stores took to decide, seconds, by limiter. */
  storeDuration: 'store_duration_seconds',
  /** Gauge: 1 for each observed store's current breaker state (closed, half-open, open), 0 for the others. */
  breakerState: 'breaker_state',
  /** Counter: circuit breaker state changes by store, from and to. */
  breakerTransitions: 'breaker_transitions_total',
  /** Counter: requests denied by the block cache without a store call, by limiter. */
  blockCacheHits: 'block_cache_hits_total',
  /** Gauge: states held by an observed MemoryStore (client key x policy), by store. */
  memoryStoreKeys: 'memory_store_keys',
});

type Labels = LabelValues<string>;
type CounterKey = 'decisions' | 'denials' | 'refunds' | 'degraded' | 'storeErrors' | 'breakerTransitions' | 'blockCacheHits';

/** The counters' running totals, by label set; prom-client reads them at each scrape. */
export type Tallies = Record<CounterKey, Tally<Labels>>;

export interface Instruments {
  tallies: Tallies;
  storeDuration: Histogram<'limiter'>;
}

const COUNTERS: Record<CounterKey, { help: string; labelNames: readonly string[] }> = {
  decisions: {
    help: "Rate-limit decisions (consume), by limiter prefix, binding policy and outcome (allowed, denied, shaped); enforced=false: a shadow policy's outcome that was not applied.",
    labelNames: ['limiter', 'policy', 'outcome', 'enforced'],
  },
  denials: {
    help: 'Denied decisions (consume): 429s, or 503s when decided_by="failure-policy"; enforced=false: shadow denials that were not applied.',
    labelNames: ['limiter', 'policy', 'enforced', 'decided_by'],
  },
  refunds: { help: 'Refunds (cost given back, e.g. successful logins), by limiter prefix.', labelNames: ['limiter'] },
  degraded: {
    help: 'Decisions made without the primary store, by reason (store-error, timeout, breaker-open) and decided_by (fallback, failure-policy).',
    labelNames: ['limiter', 'reason', 'decided_by'],
  },
  storeErrors: {
    help: 'Store failures, by store (constructor name), role (store, onStoreError: the fallback store) and error code.',
    labelNames: ['limiter', 'store', 'role', 'code'],
  },
  breakerTransitions: { help: 'Circuit breaker state changes, by store and from/to state.', labelNames: ['store', 'from', 'to'] },
  blockCacheHits: { help: 'Requests denied by the block cache without a store call, by limiter prefix.', labelNames: ['limiter'] },
};

/**
 * Creates and registers every metric. Counters publish their tallies when scraped;
 * `collectBreaker` and `collectKeys` fill the two gauges then. Throws InvalidOptionError (option
 * `registry`) when the registry already holds one of the names (one prometheusMetrics per
 * registry and prefix: share it between limiters).
 */
export function createInstruments(
  { registry, prefix, buckets }: ResolvedPrometheusOptions,
  collectBreaker: (gauge: Gauge<'store' | 'state'>) => void,
  collectKeys: (gauge: Gauge<'store'>) => void,
): Instruments {
  for (const name of Object.values(METRIC_NAMES)) assertFree(registry, prefix + name);
  const registers = [registry];
  const tallies = {} as Tallies;
  for (const [key, { help, labelNames }] of Object.entries(COUNTERS) as [CounterKey, (typeof COUNTERS)[CounterKey]][]) {
    const tally = new Tally<Labels>();
    tallies[key] = tally;
    new Counter({
      name: prefix + METRIC_NAMES[key],
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const { labels, value } of tally.values()) this.inc(labels, value);
      },
    });
  }
  new Gauge({
    name: prefix + METRIC_NAMES.breakerState,
    help: 'Circuit breaker state per observed store: 1 for the current state (closed, half-open, open), 0 for the others.',
    labelNames: ['store', 'state'],
    registers,
    collect() {
      collectBreaker(this);
    },
  });
  new Gauge({
    name: prefix + METRIC_NAMES.memoryStoreKeys,
    help: 'States held by an observed memory store (client key x policy).',
    labelNames: ['store'],
    registers,
    collect() {
      collectKeys(this);
    },
  });
  const storeDuration = new Histogram({
    name: prefix + METRIC_NAMES.storeDuration,
    help: 'Time asynchronous stores took to decide (timeouts included), in seconds.',
    labelNames: ['limiter'],
    buckets,
    registers,
  });
  return { tallies, storeDuration };
}

function assertFree(registry: Registry, name: string): void {
  if (registry.getSingleMetric(name) !== undefined) {
    throw new InvalidOptionError('registry', registry, `a registry without a metric named ${name} (create one prometheusMetrics per registry and prefix, and observe every limiter with it)`);
  }
}
