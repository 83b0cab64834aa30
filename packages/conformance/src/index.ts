/**
 * The store conformance suite, runner-agnostic: every store (memory, Redis, Postgres, a
 * third party's) passes it. See docs/store-contract.md.
 *
 * @module @sluice/conformance
 */
import type { Algorithm, RateAlgorithm, Store } from '@sluice/core';
import { createContext } from './context.js';
import type { ConformanceOptions } from './options.js';
import { concurrencySuite } from './suites/concurrency.js';
import { keyShapesSuite } from './suites/key-shapes.js';
import { capabilitySuite, leaseSuite } from './suites/leases.js';
import { penaltyCapabilitySuite, penaltySuite } from './suites/penalty.js';
import { lifecycleSuite } from './suites/lifecycle.js';
import { randomizedSuite } from './suites/randomized.js';
import { roundTripSuite } from './suites/round-trips.js';
import { scenarioSuite } from './suites/scenarios.js';
import { stateSuite } from './suites/state.js';

export type { ConformanceOptions, TestRunner } from './options.js';
export { ReferenceStore } from './reference-store.js';
export { SCENARIOS, type Scenario, type Step } from './scenarios.js';
export { T0 } from './context.js';
export { KEY_SHAPES } from './key-shapes.js';

/**
 * Registers the store conformance suite with the given test runner: scenario tables on a
 * fake clock, cost, all-or-nothing, denials that change nothing, exact admission under
 * parallel calls, one round trip per decision, peek, refund, reset, key isolation,
 * key shapes (every string the limiter accepts is a distinct, working key),
 * lifecycle, and a randomized comparison against core's reference model. With 'concurrency'
 * among `algorithms`: leases (acquire, release, expiry after leaseMs, renew, exactness under
 * parallel calls, all-or-nothing with rate policies, one round trip, randomized); without it,
 * that createLimiter refuses a concurrency policy on the store. With 'penalty': strikes, blocks,
 * expiry, truthful retry, all-or-nothing, escalation, parallel exactness, randomized; without
 * it, that createLimiter refuses a penalty policy on the store.
 */
export function runStoreConformance(options: ConformanceOptions): void {
  const { describe, beforeAll, afterAll } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const resolved: ConformanceOptions = { ...options, timeoutMs };
  let store: Store | undefined;
  const getStore = (): Store => {
    if (store === undefined) throw new Error('The conformance store is not ready (did makeStore fail?).');
    return store;
  };
  const ctx = createContext(resolved, getStore);

  describe(`store conformance: ${options.name}`, () => {
    beforeAll(async () => {
      store = await options.makeStore();
    }, timeoutMs);
    afterAll(async () => {
      if (store !== undefined) await (options.closeStore ?? ((s: Store) => s.close?.()))(store);
    }, timeoutMs);

    const algorithms = options.algorithms;
    if (!Array.isArray(algorithms) || algorithms.length === 0) {
      throw new Error('runStoreConformance needs `algorithms`: the algorithms to certify, e.g. ALGORITHMS from @sluice/core.');
    }
    // The rate algorithms share every suite; the concurrency limit (leases) has its own.
    const rate = algorithms.filter((algorithm: Algorithm): algorithm is RateAlgorithm => algorithm !== 'concurrency' && algorithm !== 'penalty');
    if (rate.length === 0) throw new Error('runStoreConformance certifies at least one rate algorithm (e.g. ALGORITHMS from @sluice/core).');
    scenarioSuite(ctx, rate);
    stateSuite(ctx, rate);
    concurrencySuite(ctx, rate);
    roundTripSuite(ctx, rate);
    keyShapesSuite(ctx, rate);
    lifecycleSuite(ctx, rate);
    randomizedSuite(ctx, rate);
    if (algorithms.includes('concurrency')) leaseSuite(ctx, rate);
    else capabilitySuite(ctx);
    if (algorithms.includes('penalty')) penaltySuite(ctx, rate);
    else penaltyCapabilitySuite(ctx);
  });
}
