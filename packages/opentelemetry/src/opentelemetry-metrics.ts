import {
  breakerStateOf,
  ObservedStores,
  observeLimiters,
  policyLabel,
  storeSize,
  type BreakerState,
  type LimiterEventSink,
  type ObservableLimiter,
  type Store,
} from '@sluice/core';
import type { ObservableResult } from '@opentelemetry/api';
import { ATTRIBUTES as A, createInstruments } from './instruments.js';
import { resolveOpenTelemetryOptions, type OpenTelemetryMetricsOptions } from './options.js';

/** What `openTelemetryMetrics()` returns: functions to observe limiters and stores, and close(). */
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
  /** Stops observing every limiter and store and removes the instruments' callbacks (nothing more is reported). */
  close(): void;
}

const BREAKER_STATES: readonly BreakerState[] = ['closed', 'half-open', 'open'];
// Read once: a CommonJS import is a getter on core's exports, which every decision would call.
const labelPolicy = policyLabel;

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
      const size = storeSize(store);
      if (size !== undefined) result.observe(size, { [A.store]: name });
    }
  };
  m.breakerState.addCallback(observeBreakers);
  m.memoryStoreKeys.addCallback(observeKeys);
  m.callbacks.push([m.breakerState, observeBreakers], [m.memoryStoreKeys, observeKeys]);

  const t = m.tallies;
  const sink: LimiterEventSink = {
    decision(event) {
      const limiter = event.prefix;
      if (event.storeLatencyMs > 0) m.storeDuration.record(event.storeLatencyMs / 1000, { [A.limiter]: limiter });
      if (event.mode === 'refund') {
        if (!t.refunds.increment(limiter, '', '', '')) t.refunds.create(limiter, '', '', '', { [A.limiter]: limiter });
        return;
      }
      // A peek charges nothing and answers no request: not a decision to count.
      if (event.mode !== 'consume') return;
      const policy = labelPolicy(event);
      const { outcome, enforced } = event;
      const enforcedKey = enforced ? 'true' : 'false';
      if (!t.decisions.increment(limiter, policy, enforcedKey, outcome)) {
        t.decisions.create(limiter, policy, enforcedKey, outcome, { [A.limiter]: limiter, [A.policy]: policy, [A.outcome]: outcome, [A.enforced]: enforced });
      }
      if (outcome !== 'denied') return;
      const decidedBy = event.decision.decidedBy;
      if (!t.denials.increment(limiter, policy, enforcedKey, decidedBy)) {
        t.denials.create(limiter, policy, enforcedKey, decidedBy, { [A.limiter]: limiter, [A.policy]: policy, [A.enforced]: enforced, [A.decidedBy]: decidedBy });
      }
    },
    degraded({ prefix: limiter, reason, decidedBy }) {
      if (!t.degraded.increment(limiter, reason, decidedBy, '')) t.degraded.create(limiter, reason, decidedBy, '', { [A.limiter]: limiter, [A.reason]: reason, [A.decidedBy]: decidedBy });
    },
    storeError({ prefix: limiter, store, role, error }) {
      const { code } = error;
      if (!t.storeErrors.increment(limiter, store, role, code)) {
        t.storeErrors.create(limiter, store, role, code, { [A.limiter]: limiter, [A.store]: store, [A.role]: role, [A.errorType]: code });
      }
    },
    breaker({ from, to }, store) {
      if (!t.breakerTransitions.increment(store, from, to, '')) t.breakerTransitions.create(store, from, to, '', { [A.store]: store, [A.previousState]: from, [A.state]: to });
    },
    blockCacheHit({ prefix: limiter }) {
      if (!t.blockCacheHits.increment(limiter, '', '', '')) t.blockCacheHits.create(limiter, '', '', '', { [A.limiter]: limiter });
    },
  };
  const sources = observeLimiters(sink, (store) => stores.nameOf(store));

  return {
    observe: (source) => sources.observe(source),
    observeStore: (store, name) => stores.add(store, name),
    close() {
      sources.close();
      for (const [instrument, callback] of m.callbacks) instrument.removeCallback(callback);
    },
  };
}
