export { runAdapterBehaviour } from './behaviour-table.js';
export { runCallbackFailures } from './callback-failures.js';
export { runStackedLimiters } from './stacked-limiters.js';
export { runProcessSurvival } from './process-survival.js';
export { useApps } from './use-apps.js';
export {
  EventLog,
  headerText,
  ON_LIMITED_FAILURE,
  type OnLimitedSpec,
  parseBody,
  type AdapterHarness,
  type AppSpec,
  type RequestLike,
  type RouteSpec,
  type SharedOptions,
  type TestApp,
  type TestRequest,
  type TestResponse,
} from './harness.js';
export { FakeClockStore, FailingStore } from './test-stores.js';
export { httpGet } from './http-client.js';
export { supertestApp } from './supertest-app.js';
export { runConcurrencyLeases, type LeaseHarness, type LeaseProbe, type LeaseAppOptions } from './concurrency-leases.js';
