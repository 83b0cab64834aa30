import { ALGORITHMS, MemoryStore } from '@sluice/core';
import { runStoreConformance } from '@sluice/conformance';

runStoreConformance({
  name: 'MemoryStore',
  makeStore: () => new MemoryStore(),
  algorithms: ALGORITHMS,
  describe,
  test,
  beforeAll,
  afterAll,
});
