import { baseKey, ErrorCodes, fixedWindow, leakyBucket, slidingWindow, StoreError, tokenBucket, type Policy } from '@sluice/core';
import { RedisStore, stateKeySuffix } from '@sluice/redis';
import { useTarget } from './support/use-target';

// The layout-2 state (packed doubles) lives under `...:<policy id>:v2`, so a layout-1 value
// (decimal text under `...:<policy id>`) left by an older version is never read as the new one.

const NOW_MS = 1_700_006_400_000;
const LONE: readonly Policy[] = [
  fixedWindow({ limit: 3, window: '1m' }),
  slidingWindow({ limit: 3, window: '1m' }),
  tokenBucket({ capacity: 3, refillPerSecond: 1 }),
  leakyBucket({ capacity: 3, leakPerSecond: 1 }),
];
/** A layout-1 value that says "full" for each policy above, at NOW_MS. */
const OLD_FULL_STATE: Record<string, string> = {
  'fixed-window': `${NOW_MS * 1000}:3`,
  'sliding-window': `${NOW_MS * 1000 - ((NOW_MS * 1000) % 60_000_000)}:3:3`,
  'token-bucket': `${(NOW_MS + 3000) * 1000}`,
  'leaky-bucket': `${(NOW_MS + 3000) * 1000}`,
};

describe('RedisStore state layout', () => {
  const run = `layout-${process.pid}-${Date.now().toString(36)}`;
  const fixture = useTarget('standalone', [`${run}*`]);

  test.each(LONE.map((policy) => [policy.algorithm, policy] as const))('%s: a layout-1 value at the unversioned key is ignored', async (_, policy) => {
    const client = fixture().client();
    const store = new RedisStore({ client, prefix: run });
    const key = baseKey('api', `old-${policy.algorithm}`);
    await client.set(`${run}:${key}:${policy.id}`, OLD_FULL_STATE[policy.algorithm]!, 'PX', 60_000);
    const [result] = await store.consume({ key, policies: [policy], cost: 1, mode: 'consume', nowMs: NOW_MS });
    expect(result).toMatchObject({ allowed: true, remaining: 2 });
    // Alone and beside another policy (the multi-policy script), the same versioned key is read.
    const both = [policy, fixedWindow({ limit: 100, window: '1h' })];
    const [again] = await store.consume({ key, policies: both, cost: 1, mode: 'consume', nowMs: NOW_MS });
    expect(again).toMatchObject({ allowed: true, remaining: 1 });
    expect(await client.get(`${run}:${key}:${policy.id}`)).toBe(OLD_FULL_STATE[policy.algorithm]);
    const packed = await client.getBuffer(`${run}:${key}${stateKeySuffix(policy)}`);
    expect(packed?.length).toBe(policy.algorithm === 'fixed-window' ? 16 : policy.algorithm === 'sliding-window' ? 24 : 8);
  });

  test('the packed fixed window holds start (µs) and count as little-endian doubles', async () => {
    const client = fixture().client();
    const store = new RedisStore({ client, prefix: run });
    const policy = fixedWindow({ limit: 5, window: '1m' });
    const key = baseKey('api', 'packed');
    await store.consume({ key, policies: [policy], cost: 2, mode: 'consume', nowMs: NOW_MS + 0.5 });
    const packed = (await client.getBuffer(`${run}:${key}${stateKeySuffix(policy)}`))!;
    expect([packed.readDoubleLE(0), packed.readDoubleLE(8)]).toEqual([NOW_MS * 1000 + 500, 2]);
  });

  test('a foreign value at a versioned key surfaces as StoreError, never as a decision', async () => {
    const client = fixture().client();
    const store = new RedisStore({ client, prefix: run });
    const policy = tokenBucket({ capacity: 3, refillPerSecond: 1 });
    const key = baseKey('api', 'foreign');
    await client.set(`${run}:${key}${stateKeySuffix(policy)}`, 'x', 'PX', 60_000);
    const error = await store.consume({ key, policies: [policy], cost: 1, mode: 'consume' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe(ErrorCodes.STORE);
  });
});
