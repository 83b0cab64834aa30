import { createLimiter, fixedWindow, tokenBucket } from '@sluice/core';
import { RedisStore } from '@sluice/redis';
import { useTarget } from './support/use-target';

// The limiter's block cache against a real Redis: store calls counted by Redis itself (INFO
// commandstats: EVAL + EVALSHA executions), not by a mock.
describe('block cache on Redis (standalone)', () => {
  const prefix = `bc-${process.pid}`;
  const fixture = useTarget('standalone', [`${prefix}*`]);

  test('a flood of 1,000 denied calls for one key costs a handful of store round trips', async () => {
    const { target } = fixture();
    const limiter = createLimiter({ store: new RedisStore({ client: fixture().client() }), prefix, policies: [fixedWindow({ limit: 10, window: '1m' })] });
    for (let i = 0; i < 10; i++) expect((await limiter.consume('flooder')).allowed).toBe(true);
    const before = await target.scriptCalls();
    const decidedBy = new Map<string, number>();
    for (let i = 0; i < 1_000; i++) {
      const decision = await limiter.consume('flooder');
      expect(decision.allowed).toBe(false);
      decidedBy.set(decision.decidedBy, (decidedBy.get(decision.decidedBy) ?? 0) + 1);
    }
    const storeCalls = (await target.scriptCalls()) - before;
    // The first denial asks Redis; the rest are answered by the block cache.
    expect(storeCalls).toBeGreaterThanOrEqual(1);
    expect(storeCalls).toBeLessThanOrEqual(5);
    expect(Object.fromEntries(decidedBy)).toEqual({ store: storeCalls, 'block-cache': 1_000 - storeCalls });
  });

  test('1,000 denied calls spread over 100 blocked keys cost about one store call per key; without the cache, 1,000', async () => {
    const { target } = fixture();
    const client = fixture().client();
    const policies = [tokenBucket({ capacity: 1, refillPerSecond: 0.001 })];
    const cached = createLimiter({ store: new RedisStore({ client }), prefix: `${prefix}-a`, policies });
    const uncached = createLimiter({ store: new RedisStore({ client }), prefix: `${prefix}-b`, policies, blockCache: false });
    const counts: number[] = [];
    for (const limiter of [cached, uncached]) {
      for (let k = 0; k < 100; k++) await limiter.consume(`client-${k}`);
      const before = await target.scriptCalls();
      for (let i = 0; i < 1_000; i++) expect((await limiter.consume(`client-${i % 100}`)).allowed).toBe(false);
      counts.push((await target.scriptCalls()) - before);
    }
    expect(counts[0]).toBeLessThanOrEqual(110);
    expect(counts[1]).toBe(1_000);
  });
});
