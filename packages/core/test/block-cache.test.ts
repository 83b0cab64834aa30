import { createLimiter, fixedWindow, InvalidOptionError, MemoryStore, sleep, tokenBucket, type BlockCacheHitEvent, type DecisionEvent } from '@sluice/core';
import { RemoteMemoryStore } from './fixtures/remote-memory-store';

const minute = [fixedWindow({ name: 'minute', limit: 2, window: '1m' })];

async function exhaust(limiter: ReturnType<typeof createLimiter>, key: string, times = 2): Promise<void> {
  for (let i = 0; i < times; i++) expect((await limiter.consume(key)).allowed).toBe(true);
}

describe('block cache', () => {
  test('after a store denial, the key is denied locally (no store call) with the remaining wait and the cached figures', async () => {
    const store = new RemoteMemoryStore();
    const limiter = createLimiter({ store, policies: minute });
    await exhaust(limiter, 'k');
    const denied = await limiter.consume('k');
    expect(denied).toMatchObject({ allowed: false, decidedBy: 'store' });
    const hits: BlockCacheHitEvent[] = [];
    const decisions: DecisionEvent[] = [];
    limiter.events.on('blockCacheHit', (e) => hits.push(e));
    limiter.events.on('decision', (e) => decisions.push(e));
    for (let i = 0; i < 100; i++) {
      const cached = await limiter.consume('k');
      expect(cached).toMatchObject({ allowed: false, decidedBy: 'block-cache', policy: 'minute', limit: 2, remaining: 0 });
      expect(cached.retryAfterMs).toBeGreaterThan(0);
      expect(cached.retryAfterMs).toBeLessThanOrEqual(denied.retryAfterMs);
      expect(cached.results).toHaveLength(1);
      expect(cached.results[0]).toMatchObject({ policy: 'minute', allowed: false });
    }
    expect(store.calls).toBe(3);
    expect(hits).toHaveLength(100);
    expect(hits[0]).toMatchObject({ prefix: 'sluice', key: 'k' });
    expect(decisions.every((e) => e.storeLatencyMs === 0 && e.outcome === 'denied')).toBe(true);
    expect(decisions).toHaveLength(100);
    // Other keys still reach the store.
    expect((await limiter.consume('other')).decidedBy).toBe('store');
  });

  test('only a request of the denied cost is answered locally; a cheaper or dearer one asks the store', async () => {
    const store = new RemoteMemoryStore();
    const limiter = createLimiter({ store, policies: [fixedWindow({ limit: 5, window: '1m' })] });
    await limiter.consume('k', { cost: 4 });
    expect((await limiter.consume('k', { cost: 3 })).decidedBy).toBe('store');
    expect((await limiter.consume('k', { cost: 3 })).decidedBy).toBe('block-cache');
    expect((await limiter.consume('k', { cost: 5 })).decidedBy).toBe('store');
    expect((await limiter.consume('k', { cost: 5 })).decidedBy).toBe('block-cache');
    const one = await limiter.consume('k', { cost: 1 });
    expect(one).toMatchObject({ allowed: true, decidedBy: 'store' });
  });

  test('a dearer request never gets a cheaper denial\'s shorter retryAfterMs (token bucket 10, 1/s: costs 1, 5, 11)', async () => {
    const bucket = [tokenBucket({ capacity: 10, refillPerSecond: 1 })];
    const cached = createLimiter({ store: new RemoteMemoryStore(), policies: bucket });
    const uncached = createLimiter({ store: new RemoteMemoryStore(), policies: bucket, blockCache: false });
    const answers: Record<string, number[]> = { cached: [], uncached: [] };
    for (const [name, limiter] of [['cached', cached], ['uncached', uncached]] as const) {
      expect((await limiter.consume('k', { cost: 10 })).allowed).toBe(true);
      for (const cost of [1, 5, 11, 5, 11]) {
        const denied = await limiter.consume('k', { cost });
        expect(denied.allowed).toBe(false);
        answers[name]!.push(denied.retryAfterMs);
      }
    }
    const [one, five, eleven, fiveAgain, elevenAgain] = answers.cached as [number, number, number, number, number];
    // The store's own figures: cost 5 waits for 5 tokens (about 5 s), cost 11 never passes.
    expect(five).toBeGreaterThan(one);
    expect(five).toBeGreaterThan(4000);
    expect(eleven).toBe(Infinity);
    expect(fiveAgain).toBeGreaterThan(one);
    expect(fiveAgain).toBeLessThanOrEqual(five);
    expect(elevenAgain).toBe(Infinity);
    expect(answers.uncached![2]).toBe(Infinity);
    expect(answers.uncached![1]).toBeGreaterThan(4000);
  });

  test('the cache keeps its own figures: changing a returned denial does not change later cached answers', async () => {
    const store = new RemoteMemoryStore();
    const limiter = createLimiter({ store, policies: minute });
    await exhaust(limiter, 'k');
    const denied = await limiter.consume('k');
    expect(denied.decidedBy).toBe('store');
    const mutable = denied as { -readonly [K in keyof typeof denied]: (typeof denied)[K] };
    mutable.remaining = 99;
    mutable.policy = 'changed';
    (mutable.results[0] as { allowed: boolean; remaining: number }).allowed = true;
    (mutable.results[0] as { allowed: boolean; remaining: number }).remaining = 99;
    const hit = await limiter.consume('k');
    expect(hit).toMatchObject({ allowed: false, decidedBy: 'block-cache', remaining: 0, policy: 'minute' });
    expect(hit.results[0]).toMatchObject({ allowed: false, remaining: 0, policy: 'minute' });
  });

  test('a refund or reset through the limiter clears the entry; peek and calls with nowMs bypass it', async () => {
    const store = new RemoteMemoryStore();
    const limiter = createLimiter({ store, policies: minute });
    await exhaust(limiter, 'k');
    await limiter.consume('k');
    expect((await limiter.consume('k')).decidedBy).toBe('block-cache');
    const calls = store.calls;
    expect((await limiter.peek('k')).decidedBy).toBe('store');
    expect((await limiter.consume('k', { nowMs: Date.now() })).decidedBy).toBe('store');
    expect(store.calls).toBe(calls + 2);
    await limiter.refund('k');
    expect(await limiter.consume('k')).toMatchObject({ allowed: true, decidedBy: 'store' });
    await limiter.consume('k');
    expect((await limiter.consume('k')).decidedBy).toBe('block-cache');
    await limiter.reset('k');
    expect(await limiter.consume('k')).toMatchObject({ allowed: true, decidedBy: 'store' });
  });

  test('the entry lapses with the store denial: the store is asked again and admits', async () => {
    const store = new RemoteMemoryStore();
    // One token, refilled every 50 ms.
    const limiter = createLimiter({ store, policies: [tokenBucket({ capacity: 1, refillPerSecond: 20 })] });
    await exhaust(limiter, 'k', 1);
    const denied = await limiter.consume('k');
    expect(denied.allowed).toBe(false);
    expect((await limiter.consume('k')).decidedBy).toBe('block-cache');
    await sleep(denied.retryAfterMs + 5);
    expect(await limiter.consume('k')).toMatchObject({ allowed: true, decidedBy: 'store' });
  });

  test('a cost above the limit (retryAfterMs Infinity) stays denied locally', async () => {
    const store = new RemoteMemoryStore();
    const limiter = createLimiter({ store, policies: minute });
    expect((await limiter.consume('k', { cost: 3 })).retryAfterMs).toBe(Infinity);
    expect(await limiter.consume('k', { cost: 3 })).toMatchObject({ decidedBy: 'block-cache', retryAfterMs: Infinity });
    expect(await limiter.consume('k', { cost: 2 })).toMatchObject({ allowed: true, decidedBy: 'store' });
  });

  test('bounded by maxEntries: the oldest entry goes first', async () => {
    const store = new RemoteMemoryStore();
    const limiter = createLimiter({ store, policies: minute, blockCache: { maxEntries: 2 } });
    for (const key of ['a', 'b', 'c']) {
      await exhaust(limiter, key);
      await limiter.consume(key);
    }
    expect((await limiter.consume('c')).decidedBy).toBe('block-cache');
    expect((await limiter.consume('b')).decidedBy).toBe('block-cache');
    expect((await limiter.consume('a')).decidedBy).toBe('store');
  });

  test('blockCache: false asks the store every time; a synchronous MemoryStore never caches', async () => {
    const store = new RemoteMemoryStore();
    const off = createLimiter({ store, policies: minute, blockCache: false });
    await exhaust(off, 'k');
    for (let i = 0; i < 5; i++) expect((await off.consume('k')).decidedBy).toBe('store');
    expect(store.calls).toBe(7);
    const memory = createLimiter({ store: new MemoryStore(), policies: minute });
    await exhaust(memory, 'k');
    for (let i = 0; i < 5; i++) expect((await memory.consume('k')).decidedBy).toBe('store');
  });

  test.each([
    [{ maxEntries: 0 }, 'blockCache.maxEntries'],
    [{ maxEntries: 1.5 }, 'blockCache.maxEntries'],
    [{ entries: 5 }, 'blockCache.entries'],
    ['yes', 'blockCache'],
  ])('bad blockCache options are typed errors: %p', (blockCache, option) => {
    expect(() => createLimiter({ policies: minute, blockCache: blockCache as never })).toThrow(InvalidOptionError);
    expect(() => createLimiter({ policies: minute, blockCache: blockCache as never })).toThrow(expect.objectContaining({ option }));
  });
});
