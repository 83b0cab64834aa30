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
import type { Registry } from 'prom-client';
import { createInstruments, METRIC_NAMES } from './instruments.js';
import { resolvePrometheusOptions, type PrometheusMetricsOptions } from './options.js';

/** What `prometheusMetrics()` returns: the registry, and functions to observe limiters and stores. */
export interface PrometheusMetrics {
  /** The registry the metrics live in (serve `await registry.metrics()` as text/plain at /metrics). */
  readonly registry: Registry;
  /**
   * Counts the decisions, degraded decisions, store errors, breaker transitions and block-cache
   * hits of a limiter (`createLimiter`) or an adapter's middleware (its `events`), including every
   * `withPolicies` sibling. Observing the same limiter twice counts it once. Returns a function that
   * stops observing it. Throws InvalidOptionError (option `source`) for anything else.
   */
  observe(source: ObservableLimiter): () => void;
  /**
   * Reports `store`'s breaker state (and, for a MemoryStore, its size) as gauges labelled
   * `store=name`, read at each scrape. Returns a function that removes them. Throws
   * InvalidOptionError for a non-store, an empty name, or a store or name already observed.
   */
  observeStore(store: Store, name: string): () => void;
  /** Stops observing every limiter and store and removes these metrics from the registry (a new prometheusMetrics may then use it). */
  close(): void;
}

const BREAKER_STATES: readonly BreakerState[] = ['closed', 'half-open', 'open'];
// Read once: a CommonJS import is a getter on core's exports, which every decision would call.
const labelPolicy = policyLabel;

/**
 * Sluice metrics on prom-client. Create one per registry and share it: every limiter and store
 * you observe reports into the same metrics (`limiter` label: the limiter's prefix; client keys are
 * never labels). Throws InvalidOptionError (ERR_SLUICE_INVALID_OPTION, ERR_SLUICE_UNKNOWN_OPTION)
 * for bad options or a registry that already holds these metric names.
 */
export function prometheusMetrics(options?: PrometheusMetricsOptions): PrometheusMetrics {
  const resolved = resolvePrometheusOptions(options);
  const stores = new ObservedStores();
  const m = createInstruments(
    resolved,
    (gauge) => {
      gauge.reset();
      for (const [name, store] of stores.entries()) {
        const state = breakerStateOf(store);
        for (const candidate of BREAKER_STATES) gauge.set({ store: name, state: candidate }, candidate === state ? 1 : 0);
      }
    },
    (gauge) => {
      gauge.reset();
      for (const [name, store] of stores.entries()) {
        const size = storeSize(store);
        if (size !== undefined) gauge.set({ store: name }, size);
      }
    },
  );

  const t = m.tallies;
  const sink: LimiterEventSink = {
    decision(event) {
      const limiter = event.prefix;
      if (event.storeLatencyMs > 0) m.storeDuration.observe({ limiter }, event.storeLatencyMs / 1000);
      if (event.mode === 'refund') {
        if (!t.refunds.increment(limiter, '', '', '')) t.refunds.create(limiter, '', '', '', { limiter });
        return;
      }
      // A peek charges nothing and answers no request: not a decision to count.
      if (event.mode !== 'consume') return;
      const policy = labelPolicy(event);
      const { outcome } = event;
      const enforced = event.enforced ? 'true' : 'false';
      if (!t.decisions.increment(limiter, policy, enforced, outcome)) t.decisions.create(limiter, policy, enforced, outcome, { limiter, policy, outcome, enforced });
      if (outcome !== 'denied') return;
      const decidedBy = event.decision.decidedBy;
      if (!t.denials.increment(limiter, policy, enforced, decidedBy)) t.denials.create(limiter, policy, enforced, decidedBy, { limiter, policy, enforced, decided_by: decidedBy });
    },
    degraded({ prefix: limiter, reason, decidedBy }) {
      if (!t.degraded.increment(limiter, reason, decidedBy, '')) t.degraded.create(limiter, reason, decidedBy, '', { limiter, reason, decided_by: decidedBy });
    },
    storeError({ prefix: limiter, store, role, error }) {
      const { code } = error;
      if (!t.storeErrors.increment(limiter, store, role, code)) t.storeErrors.create(limiter, store, role, code, { limiter, store, role, code });
    },
    breaker({ from, to }, store) {
      if (!t.breakerTransitions.increment(store, from, to, '')) t.breakerTransitions.create(store, from, to, '', { store, from, to });
    },
    blockCacheHit({ prefix: limiter }) {
      if (!t.blockCacheHits.increment(limiter, '', '', '')) t.blockCacheHits.create(limiter, '', '', '', { limiter });
    },
  };
  const sources = observeLimiters(sink, (store) => stores.nameOf(store));

  return {
    registry: resolved.registry,
    observe: (source) => sources.observe(source),
    observeStore: (store, name) => stores.add(store, name),
    close() {
      sources.close();
      for (const name of Object.values(METRIC_NAMES)) resolved.registry.removeSingleMetric(resolved.prefix + name);
    },
  };
}
