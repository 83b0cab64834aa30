import type { Counter, Histogram, Meter, ObservableGauge } from '@opentelemetry/api';

/** Instrument names, OpenTelemetry semantic-convention style (no unit or `_total` in the name). */
export const INSTRUMENT_NAMES = Object.freeze({
  decisions: 'sluice.decisions',
  denials: 'sluice.denials',
  refunds: 'sluice.refunds',
  degraded: 'sluice.degraded_decisions',
  storeErrors: 'sluice.store.errors',
  storeDuration: 'sluice.store.duration',
  breakerState: 'sluice.breaker.state',
  breakerTransitions: 'sluice.breaker.transitions',
  blockCacheHits: 'sluice.block_cache.hits',
  memoryStoreKeys: 'sluice.memory_store.keys',
});

/** Attribute names. Client keys are never attributes. */
export const ATTRIBUTES = Object.freeze({
  limiter: 'sluice.limiter.prefix',
  policy: 'sluice.policy',
  outcome: 'sluice.outcome',
  enforced: 'sluice.enforced',
  decidedBy: 'sluice.decided_by',
  reason: 'sluice.degraded.reason',
  store: 'sluice.store.name',
  role: 'sluice.store.role',
  errorType: 'error.type',
  state: 'sluice.breaker.state',
  previousState: 'sluice.breaker.previous_state',
});

export interface Instruments {
  decisions: Counter;
  denials: Counter;
  refunds: Counter;
  degraded: Counter;
  storeErrors: Counter;
  storeDuration: Histogram;
  breakerState: ObservableGauge;
  breakerTransitions: Counter;
  blockCacheHits: Counter;
  memoryStoreKeys: ObservableGauge;
}

/** Creates every instrument on `meter`; the two observable gauges get their callbacks from the caller. */
export function createInstruments(meter: Meter, buckets: number[]): Instruments {
  const n = INSTRUMENT_NAMES;
  return {
    decisions: meter.createCounter(n.decisions, {
      unit: '{decision}',
      description: "Rate-limit decisions (consume), by limiter prefix, binding policy and outcome (allowed, denied, shaped); sluice.enforced=false: a shadow policy's outcome that was not applied.",
    }),
    denials: meter.createCounter(n.denials, {
      unit: '{decision}',
      description: 'Denied decisions (consume): 429s, or 503s when sluice.decided_by is failure-policy; sluice.enforced=false: shadow denials that were not applied.',
    }),
    refunds: meter.createCounter(n.refunds, { unit: '{refund}', description: 'Refunds (cost given back, e.g. successful logins), by limiter prefix.' }),
    degraded: meter.createCounter(n.degraded, {
      unit: '{decision}',
      description: 'Decisions made without the primary store, by reason (store-error, timeout, breaker-open) and decided_by (fallback, failure-policy).',
    }),
    storeErrors: meter.createCounter(n.storeErrors, {
      unit: '{error}',
      description: 'Store failures, by store (constructor name), role (store, onStoreError: the fallback store) and error code (error.type).',
    }),
    storeDuration: meter.createHistogram(n.storeDuration, {
      unit: 's',
      description: 'Time asynchronous stores took to decide (timeouts included).',
      advice: { explicitBucketBoundaries: buckets },
    }),
    breakerState: meter.createObservableGauge(n.breakerState, {
      unit: '1',
      description: 'Circuit breaker state per observed store: 1 for the current sluice.breaker.state (closed, half-open, open), 0 for the others.',
    }),
    breakerTransitions: meter.createCounter(n.breakerTransitions, { unit: '{transition}', description: 'Circuit breaker state changes, by store and previous/new state.' }),
    blockCacheHits: meter.createCounter(n.blockCacheHits, { unit: '{hit}', description: 'Requests denied by the block cache without a store call, by limiter prefix.' }),
    memoryStoreKeys: meter.createObservableGauge(n.memoryStoreKeys, { unit: '{key}', description: 'States held by an observed memory store (client key x policy).' }),
  };
}
