import { ALGORITHMS, ALL_ALGORITHMS, MemoryStore, type Algorithm, type Store } from '@sluice/core';
import { runStoreConformance } from '@sluice/conformance';
import {
  CaseFoldingStore,
  ChargingPeekStore,
  IgnoredReleaseStore,
  Latin1Store,
  NonAtomicStore,
  OffByOneStore,
  PartialChargeStore,
  UnchargedLeaseStore,
} from './support/broken-stores';
import { collectingRunner, type Outcome } from './support/collecting-runner';

async function outcomesFor(makeStore: () => Store, algorithms: readonly Algorithm[] = ALGORITHMS): Promise<Outcome[]> {
  const runner = collectingRunner();
  runStoreConformance({ name: 'under test', makeStore, algorithms, randomRuns: 15, ...runner });
  return runner.run();
}

const failed = (outcomes: Outcome[]) => outcomes.filter((o) => o.error !== undefined).map((o) => o.name);

describe('the conformance suite catches broken stores', () => {
  test('a correct store (MemoryStore) passes every test, with and without the concurrency limit certified', async () => {
    const outcomes = await outcomesFor(() => new MemoryStore(), ALL_ALGORITHMS);
    expect(outcomes.filter((o) => o.name.includes('concurrency:')).length).toBeGreaterThan(5);
    expect(failed(outcomes)).toEqual([]);
    const rateOnly = await outcomesFor(() => new MemoryStore());
    expect(rateOnly.length).toBeGreaterThan(40);
    expect(failed(rateOnly)).toEqual([]);
  });

  test('a store that ignores release, or that takes a lease without counting it, fails the lease scenarios', async () => {
    const ignored = failed(await outcomesFor(() => new IgnoredReleaseStore(), ALL_ALGORITHMS));
    expect(ignored).toContainEqual(expect.stringContaining('concurrency: release gives the units back'));
    expect(ignored).toContainEqual(expect.stringContaining('randomized: concurrency'));
    const uncharged = failed(await outcomesFor(() => new UnchargedLeaseStore(), ALL_ALGORITHMS));
    expect(uncharged).toContainEqual(expect.stringContaining('parallel acquisitions hold a lease'));
  });

  test('a store that does not declare concurrency is refused for it by createLimiter', async () => {
    const outcomes = await outcomesFor(() => new OffByOneStore());
    const capability = outcomes.find((o) => o.name.includes('concurrency (not certified)'));
    expect(capability).toBeDefined();
    expect(capability!.error).toBeUndefined();
  });

  test('an off-by-one store fails the scenario tables, the parallel test and the randomized comparison', async () => {
    const names = failed(await outcomesFor(() => new OffByOneStore()));
    expect(names).toEqual(expect.arrayContaining([
      expect.stringContaining('fixed window: limit, denial until the window ends'),
      expect.stringContaining('fixed-window: exactly 50 of 200 parallel calls'),
      expect.stringContaining('randomized: fixed-window agrees with the reference model'),
    ]));
  });

  test('a non-atomic store (read, await, write) fails the parallel test for every algorithm', async () => {
    const names = failed(await outcomesFor(() => new NonAtomicStore()));
    for (const algorithm of ALGORITHMS) {
      expect(names).toContainEqual(expect.stringContaining(`${algorithm}: exactly 50 of 200 parallel calls`));
    }
  });

  test('a store that charges the other policies on a denial fails all-or-nothing', async () => {
    const names = failed(await outcomesFor(() => new PartialChargeStore()));
    expect(names).toEqual(expect.arrayContaining([
      expect.stringContaining('two policies, all or nothing'),
      expect.stringContaining('three policies of three algorithms'),
      expect.stringContaining('parallel calls admit exactly the tighter limit'),
    ]));
  });

  test('a store whose peek charges fails the peek tests', async () => {
    const names = failed(await outcomesFor(() => new ChargingPeekStore()));
    expect(names).toContainEqual(expect.stringContaining('fixed-window: peek does not charge'));
    expect(names).toContainEqual(expect.stringContaining('peek reports without charging'));
  });

  test('a store that merges keys (a case-insensitive collation) fails the key-shapes test', async () => {
    const names = failed(await outcomesFor(() => new CaseFoldingStore()));
    expect(names).toContainEqual(expect.stringContaining('key shapes: NUL, lone surrogates'));
    expect(names).toContainEqual(expect.stringContaining('key shapes: reset forgets exactly the key'));
  });

  test('a store that cannot hold some keys (a Latin-1 column) fails the key-shapes test, naming the failure', async () => {
    const outcomes = await outcomesFor(() => new Latin1Store());
    const shapes = outcomes.find((o) => o.name.includes('key shapes: NUL, lone surrogates'));
    expect(shapes?.error).toBeDefined();
    expect(String((shapes!.error as Error).message)).toMatch(/the store failed: character not in Latin-1/);
  });
});
