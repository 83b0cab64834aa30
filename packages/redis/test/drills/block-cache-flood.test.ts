import { createLimiter, tokenBucket, type Decision, type Limiter } from '@sluice/core';
import { RedisStore } from '@sluice/redis';
import { useTarget } from '../support/use-target';

/**
 * Flood (issue 11 item 5): 1,000 blocked clients hammering in a loop against a real Redis.
 * Store calls are counted by Redis itself (EVAL + EVALSHA in INFO commandstats). The block cache
 * may ask the store once per blocked key (the first denial, which fills it), never more while
 * the keys fit in it.
 */
describe('a flood of 1,000 blocked keys against Redis', () => {
  const prefix = `flood-${process.pid}`;
  const fixture = useTarget('standalone', [`${prefix}*`]);
  const KEYS = 1_000;
  // One request per client, then blocked for about 1,000 s: every flood call is a denial.
  const policies = [tokenBucket({ capacity: 1, refillPerSecond: 0.001 })];

  /** Spends every key's one request; then `rounds` passes over all keys, each call denied. Store calls and who decided. */
  async function flood(limiter: Limiter, rounds: number): Promise<{ storeCalls: number; decidedBy: Record<string, number> }> {
    const { target } = fixture();
    for (let k = 0; k < KEYS; k++) expect((await limiter.consume(`client-${k}`)).allowed).toBe(true);
    const before = await target.scriptCalls();
    const decidedBy: Record<string, number> = {};
    const allowed: Decision[] = [];
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < KEYS; k++) {
        const decision = await limiter.consume(`client-${k}`);
        if (decision.allowed) allowed.push(decision);
        decidedBy[decision.decidedBy] = (decidedBy[decision.decidedBy] ?? 0) + 1;
      }
    }
    expect(allowed).toEqual([]);
    return { storeCalls: (await target.scriptCalls()) - before, decidedBy };
  }

  const limiter = (name: string, blockCache?: false | { maxEntries: number }) =>
    createLimiter({
      store: new RedisStore({ client: fixture().client() }),
      prefix: `${prefix}-${name}`,
      policies,
      ...(blockCache === undefined ? {} : { blockCache }),
    });

  test('10 passes over 1,000 blocked keys (10,000 denied calls) cost 1,000 store calls: one per key, 90% saved', async () => {
    const { storeCalls, decidedBy } = await flood(limiter('cached'), 10);
    expect(storeCalls).toBe(KEYS);
    expect(decidedBy).toEqual({ store: KEYS, 'block-cache': 9 * KEYS });
  }, 60_000);

  test('without the block cache every denied call is a store call (the counter counts)', async () => {
    const { storeCalls, decidedBy } = await flood(limiter('uncached', false), 1);
    expect(storeCalls).toBe(KEYS);
    expect(decidedBy).toEqual({ store: KEYS });
  }, 60_000);

  test('a cache smaller than the blocked set saves nothing against a round-robin flood (oldest evicted first)', async () => {
    const { storeCalls, decidedBy } = await flood(limiter('small', { maxEntries: KEYS / 2 }), 2);
    expect(storeCalls).toBe(2 * KEYS);
    expect(decidedBy).toEqual({ store: 2 * KEYS });
  }, 60_000);
});
