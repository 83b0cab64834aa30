import { Tally } from '@sluice/core';
import type { Attributes, Histogram, Meter, Observable, ObservableCallback, ObservableGauge } from '@opentelemetry/api';

/** Instrument names, OpenTelemetry semantic-convention style (no unit or `_total` in the name). */
export const INSTRUMENT_NAMES = Object.freeze({
  /** Counter ({decision}): decisions (consume) by limiter, binding policy, outcome (allowed, denied, shaped) and enforced. */
  decisions: 'sluice.decisions',
  /** Counter ({decision}): denied decisions (429s, or 503s when decided_by is failure-policy). */
  denials: 'sluice.denials',
  /** Counter ({refund}): refunds (cost given back) by limiter. */
  refunds: 'sluice.refunds',
  /** Counter ({decision}): decisions made without the primary store, by reason and decided_by. */
  degraded: 'sluice.degraded_decisions',
  /** Counter ({error}): store failures by store, role and error.type (the error code). */
  storeErrors: 'sluice.store.errors',
  /** Histogram (s): time asynchronous stores took to decide, timeouts included. */
  storeDuration: 'sluice.store.duration',
  /** Gauge: 1 for each observed store's current breaker state (closed, half-open, open), 0 for the others. */
  breakerState: 'sluice.breaker.state',
  /** Counter ({transition}): circuit breaker state changes by store, previous and new state. */
  breakerTransitions: 'sluice.breaker.transitions',
  /** Counter ({hit}): requests denied by the block cache without a store call. */
  blockCacheHits: 'sluice.block_cache.hits',
  /** Gauge: states held by an observed MemoryStore (client key x policy). */
  memoryStoreKeys: 'sluice.memory_store.keys',
});

/** Attribute names. Client keys are never attributes. */
export const ATTRIBUTES = Object.freeze({
  /** The limiter's prefix. */
  limiter: 'sluice.limiter.prefix',
  /** The binding policy's name. */
  policy: 'sluice.policy',
  /** 'allowed', 'denied' or 'shaped'. */
  outcome: 'sluice.outcome',
  /** false for a shadow policy's outcome that was not applied. */
  enforced: 'sluice.enforced',
  /** Who decided a denial or degraded decision: a DecidedBy ('store', 'fallback', 'failure-policy', 'block-cache'). */
  decidedBy: 'sluice.decided_by',
  /** Why a decision was degraded: 'store-error', 'timeout' or 'breaker-open'. */
  reason: 'sluice.degraded.reason',
  /** The store's name (given to observeStore, else its constructor name). */
  store: 'sluice.store.name',
  /** 'store' (the primary) or 'onStoreError' (the fallback store). */
  role: 'sluice.store.role',
  /** The failure's error code (OpenTelemetry's semantic-convention attribute). */
  errorType: 'error.type',
  /** A breaker's (new) state: 'closed', 'half-open' or 'open'. */
  state: 'sluice.breaker.state',
  /** A breaker's state before a transition. */
  previousState: 'sluice.breaker.previous_state',
});

type CounterKey = 'decisions' | 'denials' | 'refunds' | 'degraded' | 'storeErrors' | 'breakerTransitions' | 'blockCacheHits';

/** The counters' running totals, by attribute set; the SDK reads them at each collection. */
export type Tallies = Record<CounterKey, Tally<Attributes>>;

export interface Instruments {
  tallies: Tallies;
  storeDuration: Histogram;
  breakerState: ObservableGauge;
  memoryStoreKeys: ObservableGauge;
  /** Every observable instrument with its callback (for close()). */
  callbacks: [Observable, ObservableCallback][];
}

const COUNTERS: Record<CounterKey, { unit: string; description: string }> = {
  decisions: {
    unit: '{decision}',
    description: "Rate-limit decisions (consume), by limiter prefix, binding policy and outcome (allowed, denied, shaped); sluice.enforced=false: a shadow policy's outcome that was not applied.",
  },
  denials: {
    unit: '{decision}',
    description: 'Denied decisions (consume): 429s, or 503s when sluice.decided_by is failure-policy; sluice.enforced=false: shadow denials that were not applied.',
  },
  refunds: { unit: '{refund}', description: 'Refunds (cost given back, e.g. successful logins), by limiter prefix.' },
  degraded: {
    unit: '{decision}',
    description: 'Decisions made without the primary store, by reason (store-error, timeout, breaker-open) and decided_by (fallback, failure-policy).',
  },
  storeErrors: { unit: '{error}', description: 'Store failures, by store (constructor name), role (store, onStoreError: the fallback store) and error code (error.type).' },
  breakerTransitions: { unit: '{transition}', description: 'Circuit breaker state changes, by store and previous/new state.' },
  blockCacheHits: { unit: '{hit}', description: 'Requests denied by the block cache without a store call, by limiter prefix.' },
};

/**
 * Creates every instrument on `meter`. The counters are asynchronous (ObservableCounter): they
 * report their tallies' cumulative totals at collection, so an event costs a Map lookup instead
 * of the SDK hashing an attribute object. The two gauges get their callbacks from the caller.
 */
export function createInstruments(meter: Meter, buckets: number[]): Instruments {
  const callbacks: [Observable, ObservableCallback][] = [];
  const tallies = {} as Tallies;
  for (const [key, options] of Object.entries(COUNTERS) as [CounterKey, (typeof COUNTERS)[CounterKey]][]) {
    const tally = new Tally<Attributes>();
    tallies[key] = tally;
    const counter = meter.createObservableCounter(INSTRUMENT_NAMES[key], options);
    const report: ObservableCallback = (result) => {
      for (const { labels, value } of tally.values()) result.observe(value, labels);
    };
    counter.addCallback(report);
    callbacks.push([counter, report]);
  }
  return {
    tallies,
    callbacks,
    storeDuration: meter.createHistogram(INSTRUMENT_NAMES.storeDuration, {
      unit: 's',
      description: 'Time asynchronous stores took to decide (timeouts included).',
      advice: { explicitBucketBoundaries: buckets },
    }),
    breakerState: meter.createObservableGauge(INSTRUMENT_NAMES.breakerState, {
      unit: '1',
      description: 'Circuit breaker state per observed store: 1 for the current sluice.breaker.state (closed, half-open, open), 0 for the others.',
    }),
    memoryStoreKeys: meter.createObservableGauge(INSTRUMENT_NAMES.memoryStoreKeys, { unit: '{key}', description: 'States held by an observed memory store (client key x policy).' }),
  };
}
