import { createLimiter, fixedWindow, leakyBucket, MemoryStore, tokenBucket } from '@sluice/core';
import { rateLimit } from '@sluice/express';
import express from 'express';
import { Registry } from 'prom-client';
import supertest from 'supertest';
import { prometheusMetrics } from '../src/index.js';
import { parseExposition, series, sampleValue, type Sample } from './harness/exposition.js';
import { AsyncStore, FailingStore, SilentStore } from './harness/stores.js';

const NOW = 1_000_000; // a fixed store clock, so window and refill boundaries never move under a test

async function scrape(registry: Registry): Promise<Sample[]> {
  return parseExposition(await registry.metrics());
}

function setup() {
  const registry = new Registry();
  return { registry, metrics: prometheusMetrics({ registry }) };
}

describe('decisions and denials', () => {
  test('counts allowed and denied consumes by limiter prefix and binding policy, never by client key', async () => {
    const { registry, metrics } = setup();
    const limiter = createLimiter({ prefix: 'api', policies: [tokenBucket({ name: 'burst', capacity: 2, refillPerSecond: 1 })] });
    metrics.observe(limiter);
    for (let i = 0; i < 3; i++) await limiter.consume('user:secret-42', { nowMs: NOW });
    await limiter.consume('user:other', { nowMs: NOW });

    const text = await registry.metrics();
    const samples = parseExposition(text);
    const labels = { limiter: 'api', policy: 'burst', enforced: 'true' };
    expect(sampleValue(samples, 'sluice_decisions_total', { ...labels, outcome: 'allowed' })).toBe(3);
    expect(sampleValue(samples, 'sluice_decisions_total', { ...labels, outcome: 'denied' })).toBe(1);
    expect(sampleValue(samples, 'sluice_denials_total', { ...labels, decided_by: 'store' })).toBe(1);
    expect(series(samples, 'sluice_decisions_total')).toHaveLength(2);
    expect(text).toContain('# TYPE sluice_decisions_total counter');
    expect(text).not.toContain('secret-42');
    expect(text).not.toContain('user:other');
  });

  test('a leaky bucket that holds a request counts it as shaped', async () => {
    const { registry, metrics } = setup();
    const limiter = createLimiter({ prefix: 'export', policies: [leakyBucket({ name: 'queue', capacity: 3, leakPerSecond: 1 })] });
    metrics.observe(limiter);
    for (let i = 0; i < 4; i++) await limiter.consume('k', { nowMs: NOW });
    const samples = await scrape(registry);
    const labels = { limiter: 'export', policy: 'queue', enforced: 'true' };
    expect(sampleValue(samples, 'sluice_decisions_total', { ...labels, outcome: 'allowed' })).toBe(1);
    expect(sampleValue(samples, 'sluice_decisions_total', { ...labels, outcome: 'shaped' })).toBe(2);
    expect(sampleValue(samples, 'sluice_decisions_total', { ...labels, outcome: 'denied' })).toBe(1);
  });

  test('the binding policy labels a decision: the one that denied, else the tightest', async () => {
    const { registry, metrics } = setup();
    const limiter = createLimiter({
      prefix: 'two',
      policies: [tokenBucket({ name: 'burst', capacity: 5, refillPerSecond: 1 }), fixedWindow({ name: 'hourly', limit: 2, window: '1h' })],
    });
    metrics.observe(limiter);
    for (let i = 0; i < 3; i++) await limiter.consume('k', { nowMs: NOW });
    const samples = await scrape(registry);
    expect(sampleValue(samples, 'sluice_decisions_total', { limiter: 'two', policy: 'hourly', outcome: 'allowed', enforced: 'true' })).toBe(2);
    expect(sampleValue(samples, 'sluice_decisions_total', { limiter: 'two', policy: 'hourly', outcome: 'denied', enforced: 'true' })).toBe(1);
    expect(series(samples, 'sluice_decisions_total', { policy: 'burst' })).toEqual([]);
  });

  test('refunds are counted apart; peeks are not decisions', async () => {
    const { registry, metrics } = setup();
    const limiter = createLimiter({ prefix: 'login', policies: [fixedWindow({ name: 'login', limit: 5, window: '15m' })] });
    metrics.observe(limiter);
    await limiter.consume('k', { nowMs: NOW });
    await limiter.refund('k', { nowMs: NOW });
    await limiter.peek('k', { nowMs: NOW });
    const samples = await scrape(registry);
    expect(sampleValue(samples, 'sluice_refunds_total', { limiter: 'login' })).toBe(1);
    expect(series(samples, 'sluice_decisions_total')).toEqual([expect.objectContaining({ value: 1, labels: expect.objectContaining({ outcome: 'allowed' }) })]);
  });
});

describe('store trouble', () => {
  test("a failing store with onStoreError 'deny': store errors, degraded decisions and 503-style denials", async () => {
    const { registry, metrics } = setup();
    const store = new FailingStore();
    const limiter = createLimiter({ store, prefix: 'strict', policies: [fixedWindow({ name: 'login', limit: 5, window: '15m' })], onStoreError: 'deny', onWarning: () => {} });
    metrics.observe(limiter);
    await limiter.consume('k');
    await limiter.consume('k');
    const samples = await scrape(registry);
    expect(store.calls).toBeGreaterThan(0);
    expect(sampleValue(samples, 'sluice_store_errors_total', { limiter: 'strict', store: 'FailingStore', role: 'store', code: 'ERR_SLUICE_STORE' })).toBe(store.calls);
    expect(sampleValue(samples, 'sluice_degraded_decisions_total', { limiter: 'strict', reason: 'store-error', decided_by: 'failure-policy' })).toBe(store.calls);
    expect(sampleValue(samples, 'sluice_denials_total', { limiter: 'strict', policy: 'login', enforced: 'true', decided_by: 'failure-policy' })).toBe(2);
  });

  test('a fallback MemoryStore decides: degraded by fallback, its answers are real decisions', async () => {
    const { registry, metrics } = setup();
    const limiter = createLimiter({
      store: new FailingStore(),
      prefix: 'api',
      policies: [fixedWindow({ name: 'minute', limit: 1, window: '1m' })],
      onStoreError: new MemoryStore(),
      onWarning: () => {},
    });
    metrics.observe(limiter);
    expect((await limiter.consume('k', { nowMs: NOW })).decidedBy).toBe('fallback');
    await limiter.consume('k', { nowMs: NOW });
    const samples = await scrape(registry);
    expect(sampleValue(samples, 'sluice_degraded_decisions_total', { limiter: 'api', reason: 'store-error', decided_by: 'fallback' })).toBe(2);
    expect(sampleValue(samples, 'sluice_denials_total', { limiter: 'api', policy: 'minute', enforced: 'true', decided_by: 'fallback' })).toBe(1);
    expect(sampleValue(samples, 'sluice_decisions_total', { limiter: 'api', policy: 'minute', outcome: 'allowed', enforced: 'true' })).toBe(1);
  });

  test('a store that does not answer: timeouts are degraded decisions, timeout errors, and latency', async () => {
    const { registry, metrics } = setup();
    const limiter = createLimiter({ store: new SilentStore(), prefix: 'slow', policies: [fixedWindow({ limit: 5, window: '1m' })], timeoutMs: 20, onWarning: () => {} });
    metrics.observe(limiter);
    expect((await limiter.consume('k')).degraded).toBe('timeout');
    const samples = await scrape(registry);
    expect(sampleValue(samples, 'sluice_degraded_decisions_total', { limiter: 'slow', reason: 'timeout', decided_by: 'failure-policy' })).toBe(1);
    expect(sampleValue(samples, 'sluice_store_errors_total', { limiter: 'slow', store: 'SilentStore', role: 'store', code: 'ERR_SLUICE_STORE_TIMEOUT' })).toBe(1);
    expect(sampleValue(samples, 'sluice_store_duration_seconds_count', { limiter: 'slow' })).toBe(1);
    // The wait lasted at least the timeout (a lower bound, not a timing threshold).
    expect(sampleValue(samples, 'sluice_store_duration_seconds_sum', { limiter: 'slow' })).toBeGreaterThanOrEqual(0.019);
  });

  test('store latency: one observation per asynchronous decision, in seconds; none for the synchronous MemoryStore', async () => {
    const registry = new Registry();
    const metrics = prometheusMetrics({ registry, buckets: [0.5, 10] });
    const remote = createLimiter({ store: new AsyncStore(), prefix: 'remote', policies: [fixedWindow({ limit: 10, window: '1m' })] });
    const local = createLimiter({ prefix: 'local', policies: [fixedWindow({ name: 'minute', limit: 10, window: '1m' })] });
    metrics.observe(remote);
    metrics.observe(local);
    for (let i = 0; i < 3; i++) {
      await remote.consume('k');
      await local.consume('k');
    }
    const samples = await scrape(registry);
    expect(sampleValue(samples, 'sluice_store_duration_seconds_count', { limiter: 'remote' })).toBe(3);
    expect(sampleValue(samples, 'sluice_store_duration_seconds_bucket', { limiter: 'remote', le: '10' })).toBe(3);
    expect(series(samples, 'sluice_store_duration_seconds_bucket', { limiter: 'remote' }).map((s) => s.labels.le)).toEqual(['0.5', '10', '+Inf']);
    expect(sampleValue(samples, 'sluice_store_duration_seconds_sum', { limiter: 'remote' })).toBeGreaterThan(0);
    expect(series(samples, 'sluice_store_duration_seconds_count', { limiter: 'local' })).toEqual([]);
    expect(sampleValue(samples, 'sluice_decisions_total', { limiter: 'local', policy: 'minute', outcome: 'allowed', enforced: 'true' })).toBe(3);
  });
});

describe('breaker and block cache', () => {
  test('an opening breaker: breaker-open degraded decisions, one transition per store however many limiters, the state gauge', async () => {
    const { registry, metrics } = setup();
    const store = new FailingStore();
    const options = { store, policies: [fixedWindow({ name: 'minute', limit: 5, window: '1m' })], breaker: { failureThreshold: 2, cooldownMs: 60_000 }, onWarning: () => {} };
    const api = createLimiter({ ...options, prefix: 'api' });
    const admin = createLimiter({ ...options, prefix: 'admin' });
    metrics.observe(api);
    metrics.observe(admin);
    metrics.observeStore(store, 'primary');
    for (let i = 0; i < 4; i++) await api.consume('k');
    await admin.consume('k');
    const samples = await scrape(registry);
    // The breaker stopped the calls; when each limiter arms and opens is core's business, so
    // the counts are checked against each other: every store call failed once, every other
    // decision was 'breaker-open'.
    // A limiter that joins the store's open breaker from its first call has no store-error series at all.
    const calls = { api: 4, admin: 1 };
    const total = (found: readonly { value: number }[]) => found.reduce((sum, sample) => sum + sample.value, 0);
    let errors = 0;
    for (const [limiter, decisions] of Object.entries(calls)) {
      const failed = total(series(samples, 'sluice_store_errors_total', { limiter, store: 'FailingStore', role: 'store', code: 'ERR_SLUICE_STORE' }));
      errors += failed;
      expect(total(series(samples, 'sluice_degraded_decisions_total', { limiter, reason: 'store-error', decided_by: 'failure-policy' }))).toBe(failed);
      const open = series(samples, 'sluice_degraded_decisions_total', { limiter, reason: 'breaker-open' });
      expect(total(open)).toBe(decisions - failed);
    }
    expect(errors).toBe(store.calls);
    expect(errors).toBeGreaterThan(0);
    expect(store.calls).toBeLessThan(5);
    expect(sampleValue(samples, 'sluice_degraded_decisions_total', { limiter: 'api', reason: 'breaker-open', decided_by: 'failure-policy' })).toBeGreaterThan(0);
    // Both limiters heard the store's breaker open: counted once, under the observeStore name.
    expect(series(samples, 'sluice_breaker_transitions_total')).toEqual([{ name: 'sluice_breaker_transitions_total', labels: { store: 'primary', from: 'closed', to: 'open' }, value: 1 }]);
    expect(series(samples, 'sluice_breaker_state', { store: 'primary' }).map((s) => [s.labels.state, s.value])).toEqual([
      ['closed', 0],
      ['half-open', 0],
      ['open', 1],
    ]);
    // No store call, no latency to observe.
    expect(series(samples, 'sluice_store_duration_seconds_count')).toEqual([]);
  });

  test('the block cache: hits counted, and as 429s decided by the block cache', async () => {
    const { registry, metrics } = setup();
    const store = new AsyncStore();
    const limiter = createLimiter({ store, prefix: 'api', policies: [fixedWindow({ name: 'minute', limit: 1, window: '1m' })] });
    metrics.observe(limiter);
    const decidedBy: string[] = [];
    for (let i = 0; i < 4; i++) decidedBy.push((await limiter.consume('flooder')).decidedBy);
    expect(decidedBy).toEqual(['store', 'store', 'block-cache', 'block-cache']);
    const samples = await scrape(registry);
    expect(sampleValue(samples, 'sluice_block_cache_hits_total', { limiter: 'api' })).toBe(2);
    expect(sampleValue(samples, 'sluice_denials_total', { limiter: 'api', policy: 'minute', enforced: 'true', decided_by: 'store' })).toBe(1);
    expect(sampleValue(samples, 'sluice_denials_total', { limiter: 'api', policy: 'minute', enforced: 'true', decided_by: 'block-cache' })).toBe(2);
    expect(sampleValue(samples, 'sluice_decisions_total', { limiter: 'api', policy: 'minute', outcome: 'denied', enforced: 'true' })).toBe(3);
    // Only the two store calls were timed.
    expect(sampleValue(samples, 'sluice_store_duration_seconds_count', { limiter: 'api' })).toBe(2);
    expect(store.calls).toBe(2);
  });
});

describe('what gets observed', () => {
  test('withPolicies siblings report through their limiter; observing twice counts once; detach stops counting', async () => {
    const { registry, metrics } = setup();
    const limiter = createLimiter({ prefix: 'api', policies: [fixedWindow({ name: 'free', limit: 10, window: '1m' })] });
    const paid = limiter.withPolicies([fixedWindow({ name: 'paid', limit: 100, window: '1m' })]);
    const detachFirst = metrics.observe(limiter);
    const detachSecond = metrics.observe(limiter);
    await limiter.consume('k');
    await paid.consume('k');
    detachFirst();
    await limiter.consume('k');
    detachSecond();
    await limiter.consume('k');
    const samples = await scrape(registry);
    expect(sampleValue(samples, 'sluice_decisions_total', { limiter: 'api', policy: 'free', outcome: 'allowed', enforced: 'true' })).toBe(2);
    expect(sampleValue(samples, 'sluice_decisions_total', { limiter: 'api', policy: 'paid', outcome: 'allowed', enforced: 'true' })).toBe(1);
  });

  test('an Express middleware (its .events) counts the 200s and 429s it answers', async () => {
    const { registry, metrics } = setup();
    const app = express();
    const limit = rateLimit({ prefix: 'http', policies: [fixedWindow({ name: 'minute', limit: 2, window: '1m' })] });
    metrics.observe(limit);
    app.use(limit);
    app.get('/', (_req, res) => res.json({ ok: true }));
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await supertest(app).get('/')).status);
    expect(statuses).toEqual([200, 200, 429]);
    const samples = await scrape(registry);
    expect(sampleValue(samples, 'sluice_decisions_total', { limiter: 'http', policy: 'minute', outcome: 'allowed', enforced: 'true' })).toBe(2);
    expect(sampleValue(samples, 'sluice_denials_total', { limiter: 'http', policy: 'minute', enforced: 'true', decided_by: 'store' })).toBe(1);
  });

  test('observeStore: memory-store size and breaker state as gauges, read at scrape time; detach removes them', async () => {
    const { registry, metrics } = setup();
    const store = new MemoryStore();
    const limiter = createLimiter({ store, policies: [fixedWindow({ limit: 5, window: '1m' }), tokenBucket({ capacity: 5, refillPerSecond: 1 })] });
    const detach = metrics.observeStore(store, 'memory');
    await limiter.consume('a');
    await limiter.consume('b');
    let samples = await scrape(registry);
    expect(store.size).toBe(4);
    expect(sampleValue(samples, 'sluice_memory_store_keys', { store: 'memory' })).toBe(4);
    expect(series(samples, 'sluice_breaker_state', { store: 'memory' }).map((s) => [s.labels.state, s.value])).toEqual([
      ['closed', 1],
      ['half-open', 0],
      ['open', 0],
    ]);
    await limiter.consume('c');
    samples = await scrape(registry);
    expect(sampleValue(samples, 'sluice_memory_store_keys', { store: 'memory' })).toBe(6);
    detach();
    samples = await scrape(registry);
    expect(series(samples, 'sluice_memory_store_keys')).toEqual([]);
    expect(series(samples, 'sluice_breaker_state')).toEqual([]);
  });

  test('a store without size (a remote store) gets a breaker gauge only', async () => {
    const { registry, metrics } = setup();
    metrics.observeStore(new AsyncStore(), 'redis');
    const samples = await scrape(registry);
    expect(series(samples, 'sluice_breaker_state', { store: 'redis' })).toHaveLength(3);
    expect(series(samples, 'sluice_memory_store_keys')).toEqual([]);
  });
});

describe('options and errors', () => {
  test('prefix renames every metric', async () => {
    const registry = new Registry();
    const metrics = prometheusMetrics({ registry, prefix: 'myapp_ratelimit_' });
    const limiter = createLimiter({ policies: [fixedWindow({ limit: 5, window: '1m' })] });
    metrics.observe(limiter);
    await limiter.consume('k');
    const names = new Set((await scrape(registry)).map((s) => s.name));
    expect(names.has('myapp_ratelimit_decisions_total')).toBe(true);
    expect([...names].filter((name) => !name.startsWith('myapp_ratelimit_'))).toEqual([]);
  });

  test('bad options are typed errors naming the option', () => {
    const registry = new Registry();
    const codeOf = (run: () => unknown): [string | undefined, string | undefined] => {
      try {
        run();
      } catch (error) {
        return [(error as { code?: string }).code, (error as { option?: string }).option];
      }
      return [undefined, undefined];
    };
    expect(codeOf(() => prometheusMetrics({ registry, prefix: 'bad-prefix' }))).toEqual(['ERR_SLUICE_INVALID_OPTION', 'prefix']);
    expect(codeOf(() => prometheusMetrics({ registry, buckets: [] }))).toEqual(['ERR_SLUICE_INVALID_OPTION', 'buckets']);
    expect(codeOf(() => prometheusMetrics({ registry, buckets: [0.1, 0.1] }))).toEqual(['ERR_SLUICE_INVALID_OPTION', 'buckets[1]']);
    expect(codeOf(() => prometheusMetrics({ registry, buckets: [-1] }))).toEqual(['ERR_SLUICE_INVALID_OPTION', 'buckets[0]']);
    expect(codeOf(() => prometheusMetrics({ registry: {} as Registry }))).toEqual(['ERR_SLUICE_INVALID_OPTION', 'registry']);
    expect(codeOf(() => prometheusMetrics({ registry, labels: {} } as never))).toEqual(['ERR_SLUICE_UNKNOWN_OPTION', 'labels']);
    const metrics = prometheusMetrics({ registry });
    expect(codeOf(() => metrics.observe({} as never))).toEqual(['ERR_SLUICE_INVALID_OPTION', 'source']);
    expect(codeOf(() => metrics.observeStore({} as never, 'x'))).toEqual(['ERR_SLUICE_INVALID_OPTION', 'store']);
    expect(codeOf(() => metrics.observeStore(new MemoryStore(), ''))).toEqual(['ERR_SLUICE_INVALID_OPTION', 'name']);
    const store = new MemoryStore();
    metrics.observeStore(store, 'one');
    expect(codeOf(() => metrics.observeStore(new MemoryStore(), 'one'))).toEqual(['ERR_SLUICE_INVALID_OPTION', 'name']);
    expect(codeOf(() => metrics.observeStore(store, 'two'))).toEqual(['ERR_SLUICE_INVALID_OPTION', 'store']);
  });

  test('a registry holds one set: a second prometheusMetrics on it throws until the first is closed', async () => {
    const registry = new Registry();
    const first = prometheusMetrics({ registry });
    expect(() => prometheusMetrics({ registry })).toThrow(expect.objectContaining({ code: 'ERR_SLUICE_INVALID_OPTION', option: 'registry' }));
    // Another prefix is another set of names.
    expect(() => prometheusMetrics({ registry, prefix: 'other_' })).not.toThrow();
    const limiter = createLimiter({ policies: [fixedWindow({ name: 'minute', limit: 5, window: '1m' })] });
    first.observe(limiter);
    first.close();
    await limiter.consume('k');
    expect(series(await scrape(registry), 'sluice_decisions_total')).toEqual([]);
    const second = prometheusMetrics({ registry });
    second.observe(limiter);
    await limiter.consume('k');
    expect(sampleValue(await scrape(registry), 'sluice_decisions_total', { limiter: 'sluice', policy: 'minute', outcome: 'allowed', enforced: 'true' })).toBe(1);
  });
});
