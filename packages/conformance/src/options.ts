import type { Algorithm, Store } from '@sluice/core';

/** The test runner's functions, passed in so the suite works under jest, vitest, node:test or mocha. */
export interface TestRunner {
  /** Groups tests (jest's, vitest's or mocha's `describe`; node:test's `describe`). */
  describe: (name: string, body: () => void) => void;
  /** Registers one test; `timeoutMs` is the per-test timeout in ms. */
  test: (name: string, body: () => Promise<void>, timeoutMs?: number) => void;
  /** Runs once before the suite's tests (the store is made here); `timeoutMs` in ms. */
  beforeAll: (body: () => Promise<void>, timeoutMs?: number) => void;
  /** Runs once after them (the store is closed here); `timeoutMs` in ms. */
  afterAll: (body: () => Promise<void>, timeoutMs?: number) => void;
}

/** Options of `runStoreConformance`: the runner's functions, how to make the store, and what to certify. */
export interface ConformanceOptions extends TestRunner {
  /** Shown in the suite's title, e.g. 'RedisStore (cluster)'. */
  name: string;
  /** Makes a store; called once for the shared tests and again for lifecycle tests. */
  makeStore: () => Store | Promise<Store>;
  /** Ends a store after the tests. Default: `store.close?.()`. */
  closeStore?: (store: Store) => unknown | Promise<unknown>;
  /**
   * Counts round trips to the backing server so far (e.g. Redis INFO commandstats, or
   * queries seen by a pg pool). When given, the suite checks every consume is exactly one.
   * Synchronous stores may omit it: the suite then checks that `consume` returns a plain
   * array, i.e. decides in one synchronous section.
   */
  roundTrips?: () => number | Promise<number>;
  /**
   * Whether two instances from `makeStore` see the same state (Redis, Postgres: true;
   * in-process stores: false). Default false.
   */
  sharedState?: boolean;
  /**
   * The algorithms to certify (test runners register tests before any store exists, so
   * they are named here): usually every algorithm the store declares, e.g. core's
   * `ALGORITHMS`, or `ALL_ALGORITHMS` for a store that also keeps leases (the concurrency
   * limit). The suite checks the store declares each of them; at least one rate algorithm.
   */
  algorithms: readonly Algorithm[];
  /** Runs of the randomized comparison against the reference model per algorithm. Default 40. */
  randomRuns?: number;
  /** Parallel calls in the concurrency test. Default 200 (limit 50). */
  parallelCalls?: number;
  /** Per-test timeout passed to the runner. Default 30 000. */
  timeoutMs?: number;
}
