export { runAdapterBehaviour } from './behaviour-table.js';
export {
  EventLog,
  headerText,
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
