import {
  createLimiter,
  DEFAULT_STORE_LATENCY_BUCKETS,
  fixedWindow,
  MemoryStore,
  observeLimiters,
  ObservedStores,
  policyLabel,
  resolveLatencyBuckets,
  storeSize,
  Tally,
  type LimiterEventSink,
  type PolicyResult,
  type Store,
  type StoreRequest,
} from '@sluice/core';

// The framework-neutral half of @sluice/prometheus and @sluice/opentelemetry (issue 11 follow-up).

/** An asynchronous store over a MemoryStore that can be switched to failing (as a Redis outage). */
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

/** A sink recording each call as one line. */
function recorder(): { sink: LimiterEventSink; lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    sink: {
      decision: (e) => lines.push(`decision ${e.prefix} ${e.mode} ${e.outcome} ${e.decision.decidedBy}`),
      degraded: (e) => lines.push(`degraded ${e.prefix} ${e.reason} ${e.decidedBy}`),
      storeError: (e) => lines.push(`storeError ${e.prefix} ${e.store} ${e.role} ${e.error.code}`),
      breaker: (e, store) => lines.push(`breaker ${store} ${e.from}>${e.to}`),
      blockCacheHit: (e) => lines.push(`blockCacheHit ${e.prefix} ${e.key}`),
    },
  };
}

const minute = (limit: number) => fixedWindow({ name: 'minute', limit, window: '1m' });

describe('observeLimiters', () => {
  test('routes decisions, block-cache hits, store errors and degraded decisions of an observed limiter to the sink', async () => {
    const store = new AsyncStore();
    const limiter = createLimiter({ store, prefix: 'api', policies: [minute(1)], onWarning: () => {} });
    const { sink, lines } = recorder();
    observeLimiters(sink).observe(limiter);
    await limiter.consume('k');
    await limiter.consume('k');
    await limiter.consume('k');
    store.failing = true;
    await limiter.consume('other');
    expect(lines).toEqual([
      'decision api consume allowed store',
      'decision api consume denied store',
      'blockCacheHit api k',
      'decision api consume denied block-cache',
      'storeError api AsyncStore store ERR_SLUICE_STORE',
      'degraded api store-error failure-policy',
      'decision api consume allowed failure-policy',
    ]);
  });

  test('observing a limiter twice, or its withPolicies sibling, counts each decision once; detaching needs every observe undone', async () => {
    const limiter = createLimiter({ prefix: 'api', policies: [minute(5)] });
    const { sink, lines } = recorder();
    const observations = observeLimiters(sink);
    const first = observations.observe(limiter);
    const second = observations.observe(limiter);
    await limiter.withPolicies([minute(2)]).consume('k');
    expect(lines).toEqual(['decision api consume allowed store']);
    first();
    first(); // a second call of one detacher does not undo the other observe
    await limiter.consume('k');
    expect(lines).toHaveLength(2);
    second();
    await limiter.consume('k');
    expect(lines).toHaveLength(2);
  });

  test('close() detaches every source', async () => {
    const a = createLimiter({ prefix: 'a', policies: [minute(5)] });
    const b = createLimiter({ prefix: 'b', policies: [minute(5)] });
    const { sink, lines } = recorder();
    const observations = observeLimiters(sink);
    observations.observe(a);
    observations.observe(b);
    await a.consume('k');
    await b.consume('k');
    observations.close();
    await a.consume('k');
    await b.consume('k');
    expect(lines).toEqual(['decision a consume allowed store', 'decision b consume allowed store']);
  });

  test('a breaker transition seen by two observed limiters on one store reaches the sink once, named by storeName', async () => {
    const store = new AsyncStore();
    const options = { store, policies: [minute(5)], breaker: { failureThreshold: 1, cooldownMs: 60_000 }, onWarning: () => {} };
    const a = createLimiter({ ...options, prefix: 'a' });
    const b = createLimiter({ ...options, prefix: 'b' });
    const { sink, lines } = recorder();
    const observations = observeLimiters(sink, (s) => (s === store ? 'redis-main' : undefined));
    observations.observe(a);
    observations.observe(b);
    store.failing = true;
    await a.consume('k');
    expect(lines.filter((line) => line.startsWith('breaker'))).toEqual(['breaker redis-main closed>open']);
  });

  test('without storeName (or when it gives undefined), the event names the store by its class', async () => {
    const store = new AsyncStore();
    store.failing = true;
    const limiter = createLimiter({ store, policies: [minute(5)], breaker: { failureThreshold: 1 }, onWarning: () => {} });
    const { sink, lines } = recorder();
    observeLimiters(sink).observe(limiter);
    await limiter.consume('k');
    expect(lines.filter((line) => line.startsWith('breaker'))).toEqual(['breaker AsyncStore closed>open']);
  });

  test('anything without Sluice events is refused, naming `source`', () => {
    const observations = observeLimiters(recorder().sink);
    for (const bad of [undefined, null, 42, {}, { events: {} }, { events: { on() {} } }]) {
      expect(() => observations.observe(bad)).toThrow(expect.objectContaining({ code: 'ERR_SLUICE_INVALID_OPTION', option: 'source' }));
    }
  });
});

describe('policyLabel', () => {
  test('the binding policy when enforced; in shadow mode, the shadow policy that would have denied', async () => {
    const limiter = createLimiter({
      policies: [fixedWindow({ name: 'enforced', limit: 5, window: '1m' }), fixedWindow({ name: 'trial', limit: 1, window: '1m', shadow: true })],
    });
    const labels: string[] = [];
    limiter.events.on('decision', (event) => labels.push(`${event.enforced} ${policyLabel(event)}`));
    await limiter.consume('k');
    await limiter.consume('k');
    expect(labels).toEqual(['true enforced', 'false trial']);
  });
});

describe('Tally', () => {
  test('increment says false until create; counts per (a, b, c, d); values keep creation order and labels', () => {
    const tally = new Tally<{ limiter: string; outcome: string }>();
    expect(tally.increment('api', 'allowed', '', '')).toBe(false);
    tally.create('api', 'allowed', '', '', { limiter: 'api', outcome: 'allowed' });
    expect(tally.increment('api', 'allowed', '', '')).toBe(true);
    expect(tally.increment('api', 'denied', '', '')).toBe(false);
    tally.create('api', 'denied', '', '', { limiter: 'api', outcome: 'denied' });
    expect(tally.increment('api', 'allowed', '', 'x')).toBe(false);
    expect(tally.values()).toEqual([
      { labels: { limiter: 'api', outcome: 'allowed' }, value: 2 },
      { labels: { limiter: 'api', outcome: 'denied' }, value: 1 },
    ]);
  });
});

describe('ObservedStores and storeSize', () => {
  test('names stores once each; the remover frees both the name and the store', () => {
    const stores = new ObservedStores();
    const memory = new MemoryStore();
    const remote = new AsyncStore();
    const remove = stores.add(memory, 'memory');
    stores.add(remote, 'remote');
    expect([...stores.entries()].map(([name]) => name)).toEqual(['memory', 'remote']);
    expect([stores.nameOf(memory), stores.nameOf(undefined)]).toEqual(['memory', undefined]);
    expect(() => stores.add(new MemoryStore(), 'memory')).toThrow(expect.objectContaining({ code: 'ERR_SLUICE_INVALID_OPTION', option: 'name' }));
    expect(() => stores.add(memory, 'again')).toThrow(expect.objectContaining({ code: 'ERR_SLUICE_INVALID_OPTION', option: 'store' }));
    expect(() => stores.add({}, 'x')).toThrow(expect.objectContaining({ option: 'store' }));
    expect(() => stores.add(new MemoryStore(), '')).toThrow(expect.objectContaining({ option: 'name' }));
    remove();
    expect(stores.nameOf(memory)).toBeUndefined();
    expect(() => stores.add(memory, 'memory')).not.toThrow();
  });

  test("storeSize reads a MemoryStore's stored states; undefined for a store without a size", async () => {
    const memory = new MemoryStore();
    expect(storeSize(memory)).toBe(0);
    await createLimiter({ store: memory, policies: [minute(5), fixedWindow({ name: 'hour', limit: 50, window: '1h' })] }).consume('k');
    expect(storeSize(memory)).toBe(2);
    expect(storeSize(new AsyncStore())).toBeUndefined();
  });
});

describe('resolveLatencyBuckets', () => {
  test('accepts the defaults (0.25 ms to 1 s) and returns a copy', () => {
    const resolved = resolveLatencyBuckets(DEFAULT_STORE_LATENCY_BUCKETS);
    expect(resolved).toEqual(DEFAULT_STORE_LATENCY_BUCKETS);
    expect(resolved).not.toBe(DEFAULT_STORE_LATENCY_BUCKETS);
    expect([resolved[0], resolved.at(-1)]).toEqual([0.00025, 1]);
  });

  test.each([
    [[], 'buckets'],
    ['0.1', 'buckets'],
    [[0], 'buckets[0]'],
    [[-1], 'buckets[0]'],
    [[0.1, 0.1], 'buckets[1]'],
    [[0.1, 0.05], 'buckets[1]'],
    [[1, Number.POSITIVE_INFINITY], 'buckets[1]'],
    [[1, Number.NaN], 'buckets[1]'],
    [[1, '2'], 'buckets[1]'],
  ])('%j is refused, naming %s', (buckets, option) => {
    expect(() => resolveLatencyBuckets(buckets)).toThrow(expect.objectContaining({ code: 'ERR_SLUICE_INVALID_OPTION', option }));
  });

  test('the option name is the caller’s', () => {
    expect(() => resolveLatencyBuckets([2, 1], 'histogram.boundaries')).toThrow(expect.objectContaining({ option: 'histogram.boundaries[1]' }));
  });
});
