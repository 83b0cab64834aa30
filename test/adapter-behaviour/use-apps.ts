import type { AdapterHarness, AppSpec, TestApp } from './harness.js';
import { FakeClockStore } from './test-stores.js';

/** Builds apps for one describe block and closes them (and a fresh fake clock per test) after each test. */
export function useApps(harness: AdapterHarness): { build: (spec: AppSpec) => Promise<TestApp>; clock: () => FakeClockStore } {
  const apps: TestApp[] = [];
  let clock = new FakeClockStore();
  beforeEach(() => {
    clock = new FakeClockStore();
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    clock.close();
  });
  return {
    async build(spec) {
      const app = await harness.build(spec);
      apps.push(app);
      return app;
    },
    clock: () => clock,
  };
}
