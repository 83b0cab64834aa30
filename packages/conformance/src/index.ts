import type { Store } from '@sluice/core';
import { createContext } from './context.js';
import type { ConformanceOptions } from './options.js';
import { concurrencySuite } from './suites/concurrency.js';
import { keyShapesSuite } from './suites/key-shapes.js';
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
 * lifecycle, and a randomized comparison against core's reference model.
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
    scenarioSuite(ctx, algorithms);
    stateSuite(ctx, algorithms);
    concurrencySuite(ctx, algorithms);
    roundTripSuite(ctx, algorithms);
    keyShapesSuite(ctx, algorithms);
    lifecycleSuite(ctx, algorithms);
    randomizedSuite(ctx, algorithms);
  });
}
