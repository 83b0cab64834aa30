import { ALL_ALGORITHMS, MemoryStore } from '@sluice/core';
import { runStoreConformance } from '@sluice/conformance';

runStoreConformance({
  name: 'MemoryStore',
  makeStore: () => new MemoryStore(),
  algorithms: ALL_ALGORITHMS,
  describe,
  test,
  beforeAll,
  afterAll,
});
