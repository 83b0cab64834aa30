import {
  breakerStateOf,
  createLimiter,
  fixedWindow,
  InvalidOptionError,
  leakyBucket,
  MemoryStore,
  type DecisionEvent,
  type DegradedEvent,
  type PolicyResult,
  type Store,
  type StoreErrorEvent,
  type StoreRequest,
} from '@sluice/core';

const T = 1_700_006_400_000;

/** An asynchronous store over a MemoryStore that can be switched to failing. */
class AsyncStore implements Store {
  readonly algorithms = ['fixed-window'] as const;
  failing = false;
  private readonly inner = new MemoryStore();
  async consume(request: StoreRequest): Promise<readonly PolicyResult[]> {
    if (this.failing) throw new Error('connection refused');
    return this.inner.consume(request);
  }
  reset(): void {}
}

describe('limiter.events', () => {
  test('decision events report outcome, mode, cost, key and prefix; none after the listener is removed', async () => {
    const limiter = createLimiter({ prefix: 'api', policies: [fixedWindow({ limit: 2, window: '1m' })] });
    const seen: DecisionEvent[] = [];
    const off = limiter.events.on('decision', (event) => seen.push(event));
    await limiter.consume('u1', { nowMs: T, cost: 2 });
    await limiter.consume('u1', { nowMs: T });
    await limiter.peek('u1', { nowMs: T });
    off();
    await limiter.consume('u1', { nowMs: T });
    expect(seen.map((e) => [e.mode, e.cost, e.outcome, e.enforced])).toEqual([
      ['consume', 2, 'allowed', true],
      ['consume', 1, 'denied', true],
      ['peek', 1, 'denied', true],
    ]);
    expect(seen[0]).toMatchObject({ prefix: 'api', key: 'u1', storeLatencyMs: 0 });
    expect(seen[1]!.decision.allowed).toBe(false);
  });

  test('a leaky-bucket admission with a delay is reported as shaped', async () => {
    const limiter = createLimiter({ policies: [leakyBucket({ capacity: 5, leakPerSecond: 1 })] });
    const outcomes: string[] = [];
    limiter.events.on('decision', (event) => outcomes.push(event.outcome));
    await limiter.consume('k', { nowMs: T });
    await limiter.consume('k', { nowMs: T });
    expect(outcomes).toEqual(['allowed', 'shaped']);
  });

  test('an asynchronous store has its latency measured', async () => {
    const limiter = createLimiter({ store: new AsyncStore(), policies: [fixedWindow({ limit: 2, window: '1m' })], breaker: false });
    const latencies: number[] = [];
    limiter.events.on('decision', (event) => latencies.push(event.storeLatencyMs));
    await limiter.consume('k');
    expect(latencies).toHaveLength(1);
    expect(latencies[0]).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(latencies[0])).toBe(true);
  });

  test('store failures emit storeError and degraded events', async () => {
    const store = new AsyncStore();
    store.failing = true;
    const fallback = new MemoryStore();
    const limiter = createLimiter({ store, policies: [fixedWindow({ limit: 2, window: '1m' })], onWarning: () => {}, breaker: false });
    const errors: StoreErrorEvent[] = [];
    const degraded: DegradedEvent[] = [];
    limiter.events.on('storeError', (e) => errors.push(e));
    limiter.events.on('degraded', (e) => degraded.push(e));
    await limiter.consume('k');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ store: 'AsyncStore', role: 'store', prefix: 'sluice' });
    expect(errors[0]!.error.code).toBe('ERR_SLUICE_STORE');
    expect(degraded).toEqual([{ prefix: 'sluice', key: 'k', reason: 'store-error', decidedBy: 'failure-policy' }]);

    const withFallback = createLimiter({ store, onStoreError: fallback, policies: [fixedWindow({ limit: 2, window: '1m' })], onWarning: () => {}, breaker: false });
    const viaFallback: DegradedEvent[] = [];
    withFallback.events.on('degraded', (e) => viaFallback.push(e));
    await withFallback.consume('k');
    expect(viaFallback).toEqual([{ prefix: 'sluice', key: 'k', reason: 'store-error', decidedBy: 'fallback' }]);
  });

  test('siblings from withPolicies share the events', async () => {
    const limiter = createLimiter({ policies: [fixedWindow({ limit: 2, window: '1m' })] });
    const sibling = limiter.withPolicies([fixedWindow({ limit: 5, window: '1m' })]);
    expect(sibling.events).toBe(limiter.events);
    const keys: string[] = [];
    limiter.events.on('decision', (e) => keys.push(e.key));
    await sibling.consume('from-sibling');
    expect(keys).toEqual(['from-sibling']);
  });

  test('a throwing or rejecting listener never reaches the caller; it becomes a warning', async () => {
    const warnings: string[] = [];
    const limiter = createLimiter({ policies: [fixedWindow({ limit: 2, window: '1m' })], onWarning: (w) => warnings.push(w.code) });
    limiter.events.on('decision', () => {
      throw new Error('listener bug');
    });
    limiter.events.on('decision', (() => Promise.reject(new Error('async listener bug'))) as () => void);
    await expect(limiter.consume('k')).resolves.toMatchObject({ allowed: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).toEqual(['SLUICE_CALLBACK_THREW', 'SLUICE_CALLBACK_THREW']);
  });

  test('a decision listener only observes: changing e.decision changes neither the returned decision nor the block cache', async () => {
    const store = new AsyncStore();
    const limiter = createLimiter({ store, policies: [fixedWindow({ name: 'minute', limit: 1, window: '1m' })], onWarning: () => {} });
    const seen: DecisionEvent[] = [];
    limiter.events.on('decision', (e) => {
      seen.push(e);
      const d = e.decision as { allowed: boolean };
      // Each assignment throws on a frozen view (the listener's failure is contained).
      d.allowed = true;
    });
    limiter.events.on('decision', (e) => {
      (e.decision.results[0] as { allowed: boolean }).allowed = true;
    });
    limiter.events.on('decision', (e) => {
      (e.decision.results as PolicyResult[]).length = 0;
    });
    expect((await limiter.consume('k')).allowed).toBe(true);
    const denied = await limiter.consume('k');
    expect(denied).toMatchObject({ allowed: false, decidedBy: 'store', remaining: 0 });
    expect(denied.results).toHaveLength(1);
    expect(denied.results[0]).toMatchObject({ allowed: false });
    const cached = await limiter.consume('k');
    expect(cached).toMatchObject({ allowed: false, decidedBy: 'block-cache' });
    expect(cached.results[0]).toMatchObject({ allowed: false });
    expect(seen).toHaveLength(3);
    expect(seen.map((e) => e.decision.allowed)).toEqual([true, false, false]);
    expect(Object.isFrozen(seen[1]!.decision)).toBe(true);
  });

  test('a listener that keeps throwing is reported once, not once per decision; so is an onError hook during an outage', async () => {
    const warnings: string[] = [];
    const store = new AsyncStore();
    const limiter = createLimiter({
      store,
      policies: [fixedWindow({ limit: 1000, window: '1m' })],
      breaker: false,
      onError: () => {
        throw new Error('onError bug');
      },
      onWarning: (w) => warnings.push(w.message),
    });
    limiter.events.on('decision', () => {
      throw new Error('listener bug');
    });
    limiter.events.on('degraded', (() => Promise.reject(new Error('async listener bug'))) as () => void);
    for (let i = 0; i < 50; i++) await limiter.consume('k');
    store.failing = true;
    for (let i = 0; i < 50; i++) await limiter.consume('k');
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((m) => m.includes('listener bug') && !m.includes('async'))).toHaveLength(1);
    expect(warnings.filter((m) => m.includes('async listener bug'))).toHaveLength(1);
    expect(warnings.filter((m) => m.includes('onError bug'))).toHaveLength(1);
    // A sibling shares the listeners and the hook: no new warnings either.
    const sibling = limiter.withPolicies([fixedWindow({ limit: 5, window: '1m' })]);
    for (let i = 0; i < 10; i++) await sibling.consume('k');
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).toHaveLength(3);
  });

  test('a throwing listener with a throwing onWarning: one process warning, not one per decision', async () => {
    const emitted = jest.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      const limiter = createLimiter({
        policies: [fixedWindow({ limit: 1000, window: '1m' })],
        onWarning: () => {
          throw new Error('onWarning bug');
        },
      });
      limiter.events.on('decision', () => {
        throw new Error('listener bug');
      });
      for (let i = 0; i < 50; i++) await limiter.consume('k');
      await new Promise((resolve) => setImmediate(resolve));
      const ours = emitted.mock.calls.filter((call) => String(call[0]).includes('onWarning bug'));
      expect(ours).toHaveLength(1);
      expect(ours[0]![1]).toMatchObject({ code: 'SLUICE_CALLBACK_THREW' });
    } finally {
      emitted.mockRestore();
    }
  });

  test('bad event names and listeners are typed errors', () => {
    const limiter = createLimiter({ policies: [fixedWindow({ limit: 2, window: '1m' })] });
    expect(() => limiter.events.on('nope' as 'decision', () => {})).toThrow(InvalidOptionError);
    expect(() => limiter.events.on('decision', 'x' as unknown as () => void)).toThrow(InvalidOptionError);
  });

  test('breakerStateOf is closed for a store no breaker has seen', () => {
    expect(breakerStateOf(new MemoryStore())).toBe('closed');
  });
});
