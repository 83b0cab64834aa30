import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { metrics as otelMetrics } from '@opentelemetry/api';
import { createLimiter, fixedWindow, leakyBucket, MemoryStore, tokenBucket } from '@sluice/core';
import { AsyncStore, FailingStore, SilentStore } from '../../prometheus/test/harness/stores.js';
import { openTelemetryMetrics, VERSION } from '../src/index.js';
import { pointOf, pointsNamed, testProvider } from './harness/reader.js';

const NOW = 1_000_000; // a fixed store clock, so window and refill boundaries never move under a test

function setup() {
  const { provider, collect } = testProvider();
  const metrics = openTelemetryMetrics({ meter: provider.getMeter('test') });
  return { metrics, collect };
}

describe('decisions and denials', () => {
  test('sluice.decisions and sluice.denials by limiter prefix, policy, outcome and enforced; never the client key', async () => {
    const { metrics, collect } = setup();
    const limiter = createLimiter({ prefix: 'api', policies: [tokenBucket({ name: 'burst', capacity: 2, refillPerSecond: 1 })] });
    metrics.observe(limiter);
    for (let i = 0; i < 3; i++) await limiter.consume('user:secret-42', { nowMs: NOW });
    const points = await collect();
    const attributes = { 'sluice.limiter.prefix': 'api', 'sluice.policy': 'burst', 'sluice.enforced': true };
    const allowed = pointOf(points, 'sluice.decisions', { ...attributes, 'sluice.outcome': 'allowed' });
    expect(allowed.value).toBe(2);
    expect(allowed.unit).toBe('{decision}');
    expect(pointOf(points, 'sluice.decisions', { ...attributes, 'sluice.outcome': 'denied' }).value).toBe(1);
    expect(pointOf(points, 'sluice.denials', { ...attributes, 'sluice.decided_by': 'store' }).value).toBe(1);
    expect(JSON.stringify(points)).not.toContain('secret-42');
  });

  test('shaped decisions, refunds apart, peeks not counted', async () => {
    const { metrics, collect } = setup();
    const limiter = createLimiter({ prefix: 'export', policies: [leakyBucket({ name: 'queue', capacity: 3, leakPerSecond: 1 })] });
    metrics.observe(limiter);
    for (let i = 0; i < 3; i++) await limiter.consume('k', { nowMs: NOW });
    await limiter.refund('k', { nowMs: NOW });
    await limiter.peek('k', { nowMs: NOW });
    const points = await collect();
    const attributes = { 'sluice.limiter.prefix': 'export', 'sluice.policy': 'queue', 'sluice.enforced': true };
    expect(pointOf(points, 'sluice.decisions', { ...attributes, 'sluice.outcome': 'allowed' }).value).toBe(1);
    expect(pointOf(points, 'sluice.decisions', { ...attributes, 'sluice.outcome': 'shaped' }).value).toBe(2);
    expect(pointsNamed(points, 'sluice.decisions')).toHaveLength(2);
    expect(pointOf(points, 'sluice.refunds', { 'sluice.limiter.prefix': 'export' }).value).toBe(1);
  });
});

describe('shadow mode', () => {
  test("a shadow policy's would-be denials: sluice.enforced false, under the shadow policy's name", async () => {
    const { metrics, collect } = setup();
    const limiter = createLimiter({
      prefix: 'api',
      policies: [fixedWindow({ name: 'current', limit: 10, window: '1m' }), fixedWindow({ name: 'candidate', limit: 2, window: '1m', shadow: true })],
    });
    metrics.observe(limiter);
    for (let i = 0; i < 4; i++) expect((await limiter.consume('k', { nowMs: NOW })).allowed).toBe(true);
    const points = await collect();
    const attributes = { 'sluice.limiter.prefix': 'api', 'sluice.policy': 'candidate', 'sluice.enforced': false };
    expect(pointOf(points, 'sluice.decisions', { ...attributes, 'sluice.outcome': 'denied' }).value).toBe(2);
    expect(pointOf(points, 'sluice.denials', { ...attributes, 'sluice.decided_by': 'store' }).value).toBe(2);
    expect(pointsNamed(points, 'sluice.denials', { 'sluice.enforced': true })).toEqual([]);
  });
});

describe('store trouble', () => {
  test('a failing store: sluice.store.errors with error.type, sluice.degraded_decisions by reason and decided_by', async () => {
    const { metrics, collect } = setup();
    const store = new FailingStore();
    const limiter = createLimiter({ store, prefix: 'strict', policies: [fixedWindow({ name: 'login', limit: 5, window: '15m' })], onStoreError: 'deny', onWarning: () => {} });
    metrics.observe(limiter);
    await limiter.consume('k');
    const points = await collect();
    expect(store.calls).toBeGreaterThan(0);
    const errors = { 'sluice.limiter.prefix': 'strict', 'sluice.store.name': 'FailingStore', 'sluice.store.role': 'store', 'error.type': 'ERR_SLUICE_STORE' };
    expect(pointOf(points, 'sluice.store.errors', errors).value).toBe(store.calls);
    expect(pointOf(points, 'sluice.degraded_decisions', { 'sluice.limiter.prefix': 'strict', 'sluice.degraded.reason': 'store-error', 'sluice.decided_by': 'failure-policy' }).value).toBe(1);
    expect(pointOf(points, 'sluice.denials', { 'sluice.limiter.prefix': 'strict', 'sluice.policy': 'login', 'sluice.enforced': true, 'sluice.decided_by': 'failure-policy' }).value).toBe(1);
  });

  test('sluice.store.duration: a histogram in seconds with the advised boundaries, asynchronous stores only', async () => {
    const { provider, collect } = testProvider();
    const metrics = openTelemetryMetrics({ meter: provider.getMeter('test'), buckets: [0.5, 10] });
    const remote = createLimiter({ store: new AsyncStore(), prefix: 'remote', policies: [fixedWindow({ limit: 10, window: '1m' })] });
    const slow = createLimiter({ store: new SilentStore(), prefix: 'slow', policies: [fixedWindow({ limit: 10, window: '1m' })], timeoutMs: 20, onWarning: () => {} });
    const local = createLimiter({ prefix: 'local', policies: [fixedWindow({ limit: 10, window: '1m' })] });
    for (const limiter of [remote, slow, local]) metrics.observe(limiter);
    for (let i = 0; i < 3; i++) await Promise.all([remote.consume('k'), local.consume('k')]);
    expect((await slow.consume('k')).degraded).toBe('timeout');
    const points = await collect();
    const remoteLatency = pointOf(points, 'sluice.store.duration', { 'sluice.limiter.prefix': 'remote' });
    expect(remoteLatency.unit).toBe('s');
    expect(remoteLatency.histogram).toEqual(expect.objectContaining({ count: 3, boundaries: [0.5, 10] }));
    expect(remoteLatency.histogram!.sum).toBeGreaterThan(0);
    // The timed-out call waited at least timeoutMs (a lower bound, not a timing threshold).
    expect(pointOf(points, 'sluice.store.duration', { 'sluice.limiter.prefix': 'slow' }).histogram!.sum).toBeGreaterThanOrEqual(0.019);
    expect(pointsNamed(points, 'sluice.store.duration', { 'sluice.limiter.prefix': 'local' })).toEqual([]);
    expect(pointOf(points, 'sluice.store.errors', { 'sluice.limiter.prefix': 'slow', 'sluice.store.name': 'SilentStore', 'sluice.store.role': 'store', 'error.type': 'ERR_SLUICE_STORE_TIMEOUT' }).value).toBe(1);
  });
});

describe('breaker and block cache', () => {
  test('an opening breaker: one sluice.breaker.transitions for two limiters on the store, the state gauge, breaker-open degraded decisions', async () => {
    const { metrics, collect } = setup();
    const store = new FailingStore();
    const options = { store, policies: [fixedWindow({ name: 'minute', limit: 5, window: '1m' })], breaker: { failureThreshold: 2, cooldownMs: 60_000 }, onWarning: () => {} };
    const api = createLimiter({ ...options, prefix: 'api' });
    const admin = createLimiter({ ...options, prefix: 'admin' });
    metrics.observe(api);
    metrics.observe(admin);
    metrics.observeStore(store, 'primary');
    for (let i = 0; i < 4; i++) await api.consume('k');
    await admin.consume('k');
    const points = await collect();
    const transitions = pointsNamed(points, 'sluice.breaker.transitions');
    expect(transitions.map((p) => [p.attributes, p.value])).toEqual([
      [{ 'sluice.store.name': 'primary', 'sluice.breaker.previous_state': 'closed', 'sluice.breaker.state': 'open' }, 1],
    ]);
    expect(pointsNamed(points, 'sluice.breaker.state', { 'sluice.store.name': 'primary' }).map((p) => [p.attributes['sluice.breaker.state'], p.value])).toEqual([
      ['closed', 0],
      ['half-open', 0],
      ['open', 1],
    ]);
    const breakerOpen = pointOf(points, 'sluice.degraded_decisions', { 'sluice.limiter.prefix': 'api', 'sluice.degraded.reason': 'breaker-open', 'sluice.decided_by': 'failure-policy' });
    const failed = pointOf(points, 'sluice.store.errors', { 'sluice.limiter.prefix': 'api', 'sluice.store.name': 'FailingStore', 'sluice.store.role': 'store', 'error.type': 'ERR_SLUICE_STORE' });
    expect(breakerOpen.value).toBeGreaterThan(0);
    expect(breakerOpen.value + failed.value).toBe(4);
  });

  test('block-cache hits: sluice.block_cache.hits, and denials decided by the block cache', async () => {
    const { metrics, collect } = setup();
    const store = new AsyncStore();
    const limiter = createLimiter({ store, prefix: 'api', policies: [fixedWindow({ name: 'minute', limit: 1, window: '1m' })] });
    metrics.observe(limiter);
    for (let i = 0; i < 4; i++) await limiter.consume('flooder');
    const points = await collect();
    expect(store.calls).toBe(2);
    expect(pointOf(points, 'sluice.block_cache.hits', { 'sluice.limiter.prefix': 'api' }).value).toBe(2);
    const denial = { 'sluice.limiter.prefix': 'api', 'sluice.policy': 'minute', 'sluice.enforced': true };
    expect(pointOf(points, 'sluice.denials', { ...denial, 'sluice.decided_by': 'block-cache' }).value).toBe(2);
    expect(pointOf(points, 'sluice.denials', { ...denial, 'sluice.decided_by': 'store' }).value).toBe(1);
    expect(pointOf(points, 'sluice.store.duration', { 'sluice.limiter.prefix': 'api' }).histogram!.count).toBe(2);
  });
});

describe('observable gauges', () => {
  test('sluice.breaker.state and sluice.memory_store.keys per observed store, read at collection; close() removes them', async () => {
    const { metrics, collect } = setup();
    const store = new MemoryStore();
    const limiter = createLimiter({ store, policies: [fixedWindow({ limit: 5, window: '1m' })] });
    metrics.observeStore(store, 'memory');
    metrics.observeStore(new AsyncStore(), 'remote');
    metrics.observe(limiter);
    await limiter.consume('a');
    await limiter.consume('b');
    let points = await collect();
    expect(pointOf(points, 'sluice.memory_store.keys', { 'sluice.store.name': 'memory' }).value).toBe(2);
    expect(pointsNamed(points, 'sluice.memory_store.keys')).toHaveLength(1);
    for (const name of ['memory', 'remote']) {
      expect(pointsNamed(points, 'sluice.breaker.state', { 'sluice.store.name': name }).map((p) => [p.attributes['sluice.breaker.state'], p.value])).toEqual([
        ['closed', 1],
        ['half-open', 0],
        ['open', 0],
      ]);
    }
    await limiter.consume('c');
    points = await collect();
    expect(pointOf(points, 'sluice.memory_store.keys', { 'sluice.store.name': 'memory' }).value).toBe(3);
    metrics.close();
    await limiter.consume('d');
    points = await collect();
    // Nothing new is recorded: the counter keeps its cumulative 3, and the SDK repeats the gauge's
    // last observation (3) although the store now holds 4.
    expect(store.size).toBe(4);
    expect(pointOf(points, 'sluice.decisions', { 'sluice.limiter.prefix': 'sluice', 'sluice.policy': 'fw-5-60000', 'sluice.outcome': 'allowed', 'sluice.enforced': true }).value).toBe(3);
    expect(pointOf(points, 'sluice.memory_store.keys', { 'sluice.store.name': 'memory' }).value).toBe(3);
  });
});

describe('options', () => {
  test('the default meter is the global provider\'s @sluice/opentelemetry meter at this version', async () => {
    expect(VERSION).toBe(JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version);
    const { provider, collect } = testProvider();
    expect(otelMetrics.setGlobalMeterProvider(provider)).toBe(true);
    try {
      const metrics = openTelemetryMetrics();
      const limiter = createLimiter({ prefix: 'global', policies: [fixedWindow({ name: 'minute', limit: 5, window: '1m' })] });
      metrics.observe(limiter);
      await limiter.consume('k');
      const [point, ...others] = pointsNamed(await collect(), 'sluice.decisions');
      expect(others).toEqual([]);
      expect(point).toEqual(expect.objectContaining({ scope: '@sluice/opentelemetry', value: 1 }));
    } finally {
      otelMetrics.disable();
    }
  });

  test('bad options are typed errors naming the option', () => {
    const { provider } = testProvider();
    const meter = provider.getMeter('test');
    const errorOf = (run: () => unknown): unknown => {
      try {
        run();
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const invalid = (option: string) => expect.objectContaining({ code: 'ERR_SLUICE_INVALID_OPTION', option });
    expect(errorOf(() => openTelemetryMetrics({ meter: {} as never }))).toEqual(invalid('meter'));
    expect(errorOf(() => openTelemetryMetrics({ meter, buckets: [] }))).toEqual(invalid('buckets'));
    expect(errorOf(() => openTelemetryMetrics({ meter, buckets: [1, Number.POSITIVE_INFINITY] }))).toEqual(invalid('buckets[1]'));
    expect(errorOf(() => openTelemetryMetrics({ meter, prefix: 'x' } as never))).toEqual(expect.objectContaining({ code: 'ERR_SLUICE_UNKNOWN_OPTION', option: 'prefix' }));
    const metrics = openTelemetryMetrics({ meter });
    expect(errorOf(() => metrics.observe(null as never))).toEqual(invalid('source'));
    expect(errorOf(() => metrics.observeStore(new MemoryStore(), 42 as never))).toEqual(invalid('name'));
  });
});
