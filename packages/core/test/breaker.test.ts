import {
  BREAKER_DEFAULTS,
  BREAKER_OPTIONS_IGNORED,
  breakerStateOf,
  createLimiter,
  ErrorCodes,
  fixedWindow,
  InvalidOptionError,
  MemoryStore,
  sleep,
  type BreakerEvent,
  type DegradedEvent,
} from '@sluice/core';
import { RemoteMemoryStore } from './fixtures/remote-memory-store';

const policies = [fixedWindow({ limit: 100, window: '1m' })];
const quiet = { onWarning: () => {} };

describe('circuit breaker', () => {
  test('opens after failureThreshold failures in a row; while open the store is not called and the failure policy decides', async () => {
    const store = new RemoteMemoryStore();
    store.mode = 'reject';
    const limiter = createLimiter({ store, policies, onStoreError: 'deny', breaker: { failureThreshold: 3, cooldownMs: 60_000 }, ...quiet });
    const transitions: BreakerEvent[] = [];
    const degraded: DegradedEvent[] = [];
    limiter.events.on('breaker', (e) => transitions.push(e));
    limiter.events.on('degraded', (e) => degraded.push(e));
    for (let i = 0; i < 3; i++) expect(await limiter.consume('k')).toMatchObject({ allowed: false, degraded: 'store-error' });
    expect(breakerStateOf(store)).toBe('open');
    expect(transitions).toEqual([{ store: 'RemoteMemoryStore', instance: store, from: 'closed', to: 'open' }]);
    for (let i = 0; i < 50; i++) {
      // Decided without a promise to the store: the limiter's hot path returns the decision itself.
      const decision = limiter.decide('k', 1, 'consume');
      expect(decision).toMatchObject({ allowed: false, decidedBy: 'failure-policy', degraded: 'breaker-open' });
    }
    expect(store.calls).toBe(3);
    expect(degraded.map((e) => e.reason)).toEqual([...Array(3).fill('store-error'), ...Array(50).fill('breaker-open')]);
  });

  test('a fallback store decides while the breaker is open (a real quota decision)', async () => {
    const store = new RemoteMemoryStore();
    store.mode = 'reject';
    const limiter = createLimiter({
      store,
      policies: [fixedWindow({ limit: 2, window: '1m' })],
      onStoreError: new MemoryStore(),
      breaker: { failureThreshold: 1, cooldownMs: 60_000 },
      ...quiet,
    });
    await limiter.consume('k');
    expect(limiter.decide('k', 1, 'consume')).toMatchObject({ allowed: true, decidedBy: 'fallback', degraded: 'breaker-open' });
    expect(limiter.decide('k', 1, 'consume')).toMatchObject({ allowed: false, decidedBy: 'fallback', degraded: 'breaker-open' });
    expect(store.calls).toBe(1);
  });

  test('after cooldownMs it half-opens: halfOpenProbes successes close it', async () => {
    const store = new RemoteMemoryStore();
    store.mode = 'reject';
    const limiter = createLimiter({ store, policies, breaker: { failureThreshold: 2, cooldownMs: 20, halfOpenProbes: 2 }, ...quiet });
    const states: string[] = [];
    limiter.events.on('breaker', (e) => states.push(`${e.from}>${e.to}`));
    await limiter.consume('k');
    await limiter.consume('k');
    expect(breakerStateOf(store)).toBe('open');
    await sleep(30);
    store.mode = 'ok';
    // Two probes go out together; a third concurrent call is kept from the store.
    const [a, b, c] = await Promise.all([limiter.consume('k'), limiter.consume('k'), limiter.consume('k')]);
    expect([a.decidedBy, b.decidedBy, c.decidedBy]).toEqual(['store', 'store', 'failure-policy']);
    expect(c.degraded).toBe('breaker-open');
    expect(breakerStateOf(store)).toBe('closed');
    expect(states).toEqual(['closed>open', 'open>half-open', 'half-open>closed']);
    expect((await limiter.consume('k')).decidedBy).toBe('store');
  });

  test('a failing probe opens it again', async () => {
    const store = new RemoteMemoryStore();
    store.mode = 'reject';
    const limiter = createLimiter({ store, policies, breaker: { failureThreshold: 1, cooldownMs: 20, halfOpenProbes: 1 }, ...quiet });
    const states: string[] = [];
    limiter.events.on('breaker', (e) => states.push(e.to));
    await limiter.consume('k');
    await sleep(30);
    await limiter.consume('k');
    expect(states).toEqual(['open', 'half-open', 'open']);
    expect(store.calls).toBe(2);
  });

  test('timeouts count as failures', async () => {
    const store = new RemoteMemoryStore();
    store.mode = 'hang';
    const limiter = createLimiter({ store, policies, timeoutMs: 5, breaker: { failureThreshold: 2, cooldownMs: 60_000 }, ...quiet });
    expect((await limiter.consume('k')).degraded).toBe('timeout');
    expect((await limiter.consume('k')).degraded).toBe('timeout');
    expect(limiter.decide('k', 1, 'consume')).toMatchObject({ degraded: 'breaker-open' });
    expect(store.calls).toBe(2);
  });

  test('failureRatio opens it once minimumCalls calls in the window failed at that share', async () => {
    const store = new RemoteMemoryStore();
    const limiter = createLimiter({
      store,
      policies,
      breaker: { failureThreshold: 100, failureRatio: 0.5, minimumCalls: 4, windowMs: 60_000, cooldownMs: 60_000 },
      ...quiet,
    });
    // success, failure, success, failure: 2 of 4 failed, never two in a row.
    for (const mode of ['ok', 'reject', 'ok'] as const) {
      store.mode = mode;
      await limiter.consume('k');
      expect(breakerStateOf(store)).toBe('closed');
    }
    store.mode = 'reject';
    await limiter.consume('k');
    expect(breakerStateOf(store)).toBe('open');
  });

  test('one breaker per store, shared by every limiter on it; other options are ignored with a warning', async () => {
    const store = new RemoteMemoryStore();
    const warnings: string[] = [];
    const first = createLimiter({ store, policies, prefix: 'a', breaker: { failureThreshold: 2 }, ...quiet });
    const second = createLimiter({ store, policies, prefix: 'b', breaker: { failureThreshold: 9 }, onWarning: (w) => warnings.push(w.code) });
    await first.consume('k');
    await second.consume('k');
    expect(warnings).toEqual([BREAKER_OPTIONS_IGNORED]);
    store.mode = 'reject';
    await first.consume('k');
    await second.consume('k');
    // Two failures in a row across both limiters: the first limiter's threshold opened it for both.
    expect(breakerStateOf(store)).toBe('open');
    expect(second.decide('k', 1, 'consume')).toMatchObject({ degraded: 'breaker-open' });
  });

  test('a limiter new to a store whose breaker is open obeys it from its first call (withPolicies and createLimiter)', async () => {
    const store = new RemoteMemoryStore();
    store.mode = 'hang';
    const first = createLimiter({ store, policies, timeoutMs: 5, breaker: { failureThreshold: 1, cooldownMs: 60_000 }, ...quiet });
    expect((await first.consume('k')).degraded).toBe('timeout');
    expect(breakerStateOf(store)).toBe('open');
    const sibling = first.withPolicies([fixedWindow({ limit: 7, window: '1m' })]);
    const other = createLimiter({ store, policies, prefix: 'other', timeoutMs: 5, ...quiet });
    for (const limiter of [sibling, other]) {
      // Synchronous: no promise to the store, no wait for timeoutMs.
      const decisions = Array.from({ length: 100 }, () => limiter.decide('k', 1, 'consume'));
      expect(decisions).toHaveLength(100);
      for (const decision of decisions) expect(decision).toMatchObject({ decidedBy: 'failure-policy', degraded: 'breaker-open' });
    }
    await expect(other.reset('k')).rejects.toMatchObject({ code: ErrorCodes.STORE });
    expect(store.calls).toBe(1);
    expect(store.resets).toBe(0);
  });

  test('breaker: false bypasses it: every call goes to the store', async () => {
    const store = new RemoteMemoryStore();
    store.mode = 'reject';
    const limiter = createLimiter({ store, policies, breaker: false, ...quiet });
    for (let i = 0; i < 20; i++) await limiter.consume('k');
    expect(store.calls).toBe(20);
    expect(breakerStateOf(store)).toBe('closed');
  });

  test('reset while open rejects with a StoreError at once, without calling the store', async () => {
    const store = new RemoteMemoryStore();
    store.mode = 'reject';
    const limiter = createLimiter({ store, policies, breaker: { failureThreshold: 1, cooldownMs: 60_000 }, ...quiet });
    await limiter.consume('k');
    await expect(limiter.reset('k')).rejects.toMatchObject({ code: ErrorCodes.STORE });
    expect(store.resets).toBe(0);
  });

  test('a MemoryStore never builds a breaker', async () => {
    const store = new MemoryStore();
    const limiter = createLimiter({ store, policies: [fixedWindow({ limit: 1, window: '1m' })] });
    for (let i = 0; i < 10; i++) await limiter.consume('k');
    expect(breakerStateOf(store)).toBe('closed');
  });

  test.each([
    [{ failureThreshold: 0 }, 'breaker.failureThreshold'],
    [{ failureThreshold: 1.5 }, 'breaker.failureThreshold'],
    [{ failureRatio: 0 }, 'breaker.failureRatio'],
    [{ failureRatio: 1.2 }, 'breaker.failureRatio'],
    [{ minimumCalls: -1, failureRatio: 0.5 }, 'breaker.minimumCalls'],
    [{ minimumCalls: 10 }, 'breaker.minimumCalls'],
    [{ windowMs: 1000 }, 'breaker.windowMs'],
    [{ windowMs: 0 }, 'breaker.windowMs'],
    [{ cooldownMs: 2 ** 31 }, 'breaker.cooldownMs'],
    [{ halfOpenProbes: 0 }, 'breaker.halfOpenProbes'],
    [{ cooldown: 5 }, 'breaker.cooldown'],
    [null, 'breaker'],
    ['on', 'breaker'],
  ])('bad breaker options are typed errors: %p', (breaker, option) => {
    expect(() => createLimiter({ policies, breaker: breaker as never })).toThrow(expect.objectContaining({ option }));
    expect(() => createLimiter({ policies, breaker: breaker as never })).toThrow(InvalidOptionError);
  });
  test('breaker: true means the defaults', () => {
    expect(createLimiter({ policies, breaker: true }).options.breaker).toEqual(BREAKER_DEFAULTS);
    expect(createLimiter({ policies }).options.breaker).toEqual(BREAKER_DEFAULTS);
  });

  test.each([42, null, {}, 'redis', undefined])('breakerStateOf(%p) of a non-store is a typed error naming store', (value) => {
    expect(() => breakerStateOf(value as never)).toThrow(InvalidOptionError);
    expect(() => breakerStateOf(value as never)).toThrow(expect.objectContaining({ option: 'store' }));
  });

  test('breaker events carry the store object: two stores of one class are told apart', async () => {
    const a = new RemoteMemoryStore();
    const b = new RemoteMemoryStore();
    a.mode = 'reject';
    const limiterA = createLimiter({ store: a, policies, breaker: { failureThreshold: 1, cooldownMs: 60_000 }, ...quiet });
    const limiterB = createLimiter({ store: b, policies, ...quiet });
    const seen: BreakerEvent[] = [];
    limiterA.events.on('breaker', (e) => seen.push(e));
    limiterB.events.on('breaker', (e) => seen.push(e));
    await limiterA.consume('k');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.instance).toBe(a);
    expect(seen[0]!.instance).not.toBe(b);
    expect(seen[0]!.instance).toBe(limiterA.store);
  });
});
