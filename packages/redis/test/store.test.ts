import { baseKey, ErrorCodes, fixedWindow, leakyBucket, slidingLog, slidingWindow, StoreError, tokenBucket } from '@sluice/core';
import { RedisStore, stateKeySuffix } from '@sluice/redis';
import type { Redis } from 'ioredis';
import { useTarget, type TargetKind } from './support/use-target';

const POLICIES = [
  fixedWindow({ limit: 5, window: '1m' }),
  slidingWindow({ limit: 5, window: '1m' }),
  slidingLog({ limit: 5, window: '1m' }),
  tokenBucket({ capacity: 5, refillPerSecond: 1 }),
  leakyBucket({ capacity: 5, leakPerSecond: 1 }),
];

function describeTarget(kind: TargetKind): void {
  describe(`RedisStore behaviour (${kind})`, () => {
    const run = `store-${process.pid}-${Date.now().toString(36)}`;
    const fixture = useTarget(kind, [`${run}*`]);

    test('keys are `<base>:<policy id>[:v<layout>]` (after the store prefix), all in one Cluster slot', async () => {
      const client = fixture().client();
      const store = new RedisStore({ client, prefix: `${run}-ns` });
      const base = baseKey('api', 'user:42');
      await store.consume({ key: base, policies: POLICIES, cost: 1, mode: 'consume' });
      const keys = (await fixture().target.scanKeys(`${run}-ns:*`)).sort();
      expect(keys).toEqual(POLICIES.map((policy) => `${run}-ns:api:{user:42}${stateKeySuffix(policy)}`).sort());
      expect(keys.filter((key) => key.endsWith(':v2'))).toHaveLength(4); // all but the sliding log
      if (kind === 'cluster') {
        const admin = fixture().target.masters()[0]!;
        const slots = await Promise.all(keys.map((key) => admin.cluster('KEYSLOT', key)));
        expect(new Set(slots)).toEqual(new Set([await admin.cluster('KEYSLOT', 'user:42')]));
      }
    });

    test('stores with different prefixes keep separate state', async () => {
      const client = fixture().client();
      const a = new RedisStore({ client, prefix: `${run}-a` });
      const b = new RedisStore({ client, prefix: `${run}-b` });
      const key = baseKey('api', 'shared');
      const policies = [fixedWindow({ limit: 1, window: '1m' })];
      expect((await a.consume({ key, policies, cost: 1, mode: 'consume' }))[0]!.allowed).toBe(true);
      expect((await b.consume({ key, policies, cost: 1, mode: 'consume' }))[0]!.allowed).toBe(true);
      expect((await a.consume({ key, policies, cost: 1, mode: 'consume' }))[0]!.allowed).toBe(false);
    });

    test("honours the client's own keyPrefix", async () => {
      const client = fixture().client({ keyPrefix: `${run}-kp:` });
      const store = new RedisStore({ client });
      const key = baseKey('api', 'prefixed');
      await store.consume({ key, policies: POLICIES, cost: 1, mode: 'consume' });
      expect(await fixture().target.scanKeys(`${run}-kp:api:{prefixed}:*`)).toHaveLength(POLICIES.length);
      await store.reset(key, POLICIES);
      expect(await fixture().target.scanKeys(`${run}-kp:api:{prefixed}:*`)).toHaveLength(0);
    });

    test('reset is one DEL of every policy key', async () => {
      const store = new RedisStore({ client: fixture().client(), prefix: run });
      const key = baseKey('api', 'to-reset');
      await store.consume({ key, policies: POLICIES, cost: 5, mode: 'consume' });
      // The pattern must find the keys first, or finding none after the reset proves nothing.
      expect(await fixture().target.scanKeys(`${run}:api:{to-reset}:*`)).toHaveLength(POLICIES.length);
      const before = await fixture().target.commandCalls('del');
      await store.reset(key, POLICIES);
      expect((await fixture().target.commandCalls('del')) - before).toBe(1);
      expect(await fixture().target.scanKeys(`${run}:api:{to-reset}:*`)).toEqual([]);
      const fresh = await store.consume({ key, policies: POLICIES, cost: 1, mode: 'consume' });
      expect(fresh.map((result) => result.remaining)).toEqual([4, 4, 4, 4, 4]);
    });

    test("decides on Redis's clock when no nowMs is given", async () => {
      const client = fixture().client();
      const store = new RedisStore({ client, prefix: run });
      const key = baseKey('api', 'server-clock');
      const policy = slidingLog({ limit: 3, window: '1m' });
      const [seconds, micros] = await (fixture().target.masters()[0] as Redis).time();
      const before = Number(seconds) * 1_000_000 + Number(micros);
      await store.consume({ key, policies: [policy], cost: 1, mode: 'consume' });
      const [after1, after2] = await (fixture().target.masters()[0] as Redis).time();
      const after = Number(after1) * 1_000_000 + Number(after2);
      const [stamp] = await client.lrange(`${run}:${key}:${policy.id}`, 0, -1);
      expect(Number(stamp)).toBeGreaterThanOrEqual(before);
      expect(Number(stamp)).toBeLessThanOrEqual(after);
    });

    test('close() stops the store but leaves the client it was handed open', async () => {
      const client = fixture().client();
      const store = new RedisStore({ client, prefix: run });
      store.close();
      store.close();
      const consume = store.consume({ key: baseKey('api', 'closed'), policies: POLICIES, cost: 1, mode: 'peek' });
      await expect(consume).rejects.toBeInstanceOf(StoreError);
      await expect(consume).rejects.toMatchObject({ code: ErrorCodes.STORE_CLOSED });
      await expect(store.reset(baseKey('api', 'closed'), POLICIES)).rejects.toMatchObject({ code: ErrorCodes.STORE_CLOSED });
      expect(await client.ping()).toBe('PONG');
    });

    test('a Redis error (a foreign value at a state key) surfaces as StoreError with the cause', async () => {
      const client = fixture().client();
      const store = new RedisStore({ client, prefix: run });
      const key = baseKey('api', 'wrong-type');
      const policy = slidingLog({ limit: 3, window: '1m' });
      await client.set(`${run}:${key}:${policy.id}`, 'not a list', 'PX', 60_000);
      const error = await store.consume({ key, policies: [policy], cost: 1, mode: 'consume' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).code).toBe(ErrorCodes.STORE);
      expect(String(((error as StoreError).cause as Error).message)).toMatch(/WRONGTYPE/);
    });
  });
}

describeTarget('standalone');
describeTarget('cluster');
