import { breakerStateOf, type BreakerState, type Store } from '@sluice/core';
import type { ObservableResult } from '@opentelemetry/api';
import { bindingPolicy } from './binding-policy.js';
import { ATTRIBUTES as A, createInstruments } from './instruments.js';
import { ObservedSources, type EventSink, type ObservableLimiter } from './observed-sources.js';
import { ObservedStores, sizeOf } from './observed-stores.js';
import { resolveOpenTelemetryOptions, type OpenTelemetryMetricsOptions } from './options.js';

export interface OpenTelemetryMetrics {
  /**
   * Records the decisions, degraded decisions, store errors, breaker transitions and block-cache
   * hits of a limiter (`createLimiter`) or an adapter's middleware (its `events`), including every
   * `withPolicies` sibling. Observing the same limiter twice records it once. Returns a function
   * that stops observing it. Throws InvalidOptionError (option `source`) for anything else.
   */
  observe(source: ObservableLimiter): () => void;
  /**
   * Reports `store`'s breaker state (and, for a MemoryStore, its size) through the observable
   * gauges, with `sluice.store.name = name`, read at each collection. Returns a function that
   * removes it. Throws InvalidOptionError for a non-store, an empty name, or a store or name
   * already observed.
   */
  observeStore(store: Store, name: string): () => void;
  /** Stops observing every limiter and store and removes the observable gauges' callbacks. */
  close(): void;
}

const BREAKER_STATES: readonly BreakerState[] = ['closed', 'half-open', 'open'];

/**
 * Sluice metrics on an OpenTelemetry Meter. Create one and share it: every limiter and store you
 * observe reports into the same instruments (`sluice.limiter.prefix` attribute; client keys are
 * never attributes). Throws InvalidOptionError (ERR_SLUICE_INVALID_OPTION, ERR_SLUICE_UNKNOWN_OPTION)
 * for bad options.
 */
export function openTelemetryMetrics(options?: OpenTelemetryMetricsOptions): OpenTelemetryMetrics {
  const { meter, buckets } = resolveOpenTelemetryOptions(options);
  const m = createInstruments(meter, buckets);
  const stores = new ObservedStores();

  const observeBreakers = (result: ObservableResult): void => {
    for (const [name, store] of stores.entries()) {
      const state = breakerStateOf(store);
      for (const candidate of BREAKER_STATES) result.observe(candidate === state ? 1 : 0, { [A.store]: name, [A.state]: candidate });
    }
  };
  const observeKeys = (result: ObservableResult): void => {
    for (const [name, store] of stores.entries()) {
      const size = sizeOf(store);
      if (size !== undefined) result.observe(size, { [A.store]: name });
    }
  };
  m.breakerState.addCallback(observeBreakers);
  m.memoryStoreKeys.addCallback(observeKeys);

  const sink: EventSink = {
    decision(event) {
      if (event.storeLatencyMs > 0) m.storeDuration.record(event.storeLatencyMs / 1000, { [A.limiter]: event.prefix });
      if (event.mode === 'refund') {
        m.refunds.add(1, { [A.limiter]: event.prefix });
        return;
      }
      // A peek charges nothing and answers no request: not a decision to count.
      if (event.mode !== 'consume') return;
      const policy = bindingPolicy(event);
      m.decisions.add(1, { [A.limiter]: event.prefix, [A.policy]: policy, [A.outcome]: event.outcome, [A.enforced]: event.enforced });
      if (event.outcome === 'denied') {
        m.denials.add(1, { [A.limiter]: event.prefix, [A.policy]: policy, [A.enforced]: event.enforced, [A.decidedBy]: event.decision.decidedBy });
      }
    },
    degraded(event) {
      m.degraded.add(1, { [A.limiter]: event.prefix, [A.reason]: event.reason, [A.decidedBy]: event.decidedBy });
    },
    storeError(event) {
      m.storeErrors.add(1, { [A.limiter]: event.prefix, [A.store]: event.store, [A.role]: event.role, [A.errorType]: event.error.code });
    },
    breaker(event, store) {
      m.breakerTransitions.add(1, { [A.store]: store, [A.previousState]: event.from, [A.state]: event.to });
    },
    blockCacheHit(event) {
      m.blockCacheHits.add(1, { [A.limiter]: event.prefix });
    },
  };
  const sources = new ObservedSources(sink, stores);

  return {
    observe: (source) => sources.observe(source),
    observeStore: (store, name) => stores.add(store, name),
    close() {
      sources.close();
      m.breakerState.removeCallback(observeBreakers);
      m.memoryStoreKeys.removeCallback(observeKeys);
    },
  };
}
