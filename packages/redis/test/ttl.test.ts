import {
  baseKey,
  fixedWindow,
  leakyBucket,
  slidingLog,
  slidingWindow,
  tokenBucket,
  type Mode,
  type Policy,
} from '@sluice/core';
import { RedisStore, stateKeySuffix } from '@sluice/redis';
import { OVERRIDDEN_CLOCK_MIN_TTL_MS } from '../src/lua/header';
import { useTarget, type TargetKind } from './support/use-target';

const POLICIES: readonly Policy[] = [
  fixedWindow({ limit: 10, window: '30s' }),
  slidingWindow({ limit: 10, window: '20s' }),
  slidingLog({ limit: 10, window: '40s' }),
  tokenBucket({ capacity: 10, refillPerSecond: 0.5 }),
  leakyBucket({ capacity: 10, leakPerSecond: 2 }),
];

/**
 * How long a policy's state can matter: a window; two for the sliding window (the previous
 * window's count still weighs); a bucket's span, capacity × interval (its windowMs).
 */
function lifetimeMs(policy: Policy): number {
  return policy.algorithm === 'sliding-window' ? 2 * policy.windowMs : policy.windowMs;
}

const SEQUENCE: Array<[Mode, number]> = [
  ['consume', 3],
  ['peek', 1],
  ['consume', 1],
  ['refund', 1],
  ['consume', 20],
  ['consume', 2],
  ['refund', 2],
];

function describeTarget(kind: TargetKind): void {
  describe(`key expiry (${kind})`, () => {
    const run = `ttl-${process.pid}-${Date.now().toString(36)}`;
    const fixture = useTarget(kind, [`${run}*`]);

    async function expiries(pattern: string): Promise<Map<string, number>> {
      const keys = await fixture().target.scanKeys(pattern);
      const client = fixture().client();
      const entries = await Promise.all(keys.map(async (key) => [key, await client.pttl(key)] as const));
      return new Map(entries);
    }

    function policyOf(key: string): Policy {
      const policy = POLICIES.find((candidate) => key.endsWith(stateKeySuffix(candidate)));
      if (policy === undefined) throw new Error(`unexpected key ${key}`);
      return policy;
    }

    test('on the server clock, every key written has a TTL within its state lifetime', async () => {
      const store = new RedisStore({ client: fixture().client(), prefix: run });
      const clients = Array.from({ length: 20 }, (_, i) => baseKey('api', `client-${i}`));
      for (const [mode, cost] of SEQUENCE) {
        await Promise.all(clients.map((key, i) => store.consume({ key, policies: i % 2 ? POLICIES : [POLICIES[i % 5]!], cost, mode })));
      }
      const found = await expiries(`${run}:*`);
      expect(found.size).toBeGreaterThanOrEqual(POLICIES.length);
      for (const [key, pttl] of found) {
        expect({ key, pttl, positive: pttl > 0 }).toEqual({ key, pttl, positive: true });
        expect({ key, pttl, bounded: pttl <= lifetimeMs(policyOf(key)) }).toEqual({ key, pttl, bounded: true });
      }
    });

    test('each algorithm writes an expiring key, and a fully refunded state leaves no key', async () => {
      const store = new RedisStore({ client: fixture().client(), prefix: `${run}-each` });
      for (const policy of POLICIES) {
        const key = baseKey('api', policy.algorithm);
        await store.consume({ key, policies: [policy], cost: 2, mode: 'consume' });
        const [entry] = [...(await expiries(`${run}-each:api:{${policy.algorithm}}:*`))];
        expect(entry).toBeDefined();
        expect(entry![1]).toBeGreaterThan(0);
        expect(entry![1]).toBeLessThanOrEqual(lifetimeMs(policy));
        await store.consume({ key, policies: [policy], cost: 2, mode: 'refund' });
        const left = await expiries(`${run}-each:api:{${policy.algorithm}}:*`);
        // Buckets and logs forget a fully refunded state; windows keep their start (count 0).
        for (const pttl of left.values()) {
          expect(pttl).toBeGreaterThan(0);
          expect(pttl).toBeLessThanOrEqual(lifetimeMs(policy));
        }
        expect(left.size).toBe(policy.algorithm === 'fixed-window' ? 1 : 0);
      }
    });

    test('on a caller-given clock (nowMs), keys still expire, no sooner than the fake-clock floor', async () => {
      const store = new RedisStore({ client: fixture().client(), prefix: `${run}-fake` });
      const key = baseKey('api', 'fake-clock');
      await store.consume({ key, policies: POLICIES, cost: 1, mode: 'consume', nowMs: 1_700_000_000_123.456 });
      const found = await expiries(`${run}-fake:*`);
      expect(found.size).toBe(POLICIES.length);
      for (const [key, pttl] of found) {
        expect(pttl).toBeGreaterThan(0);
        expect(pttl).toBeLessThanOrEqual(Math.max(OVERRIDDEN_CLOCK_MIN_TTL_MS, lifetimeMs(policyOf(key))));
      }
    });
  });
}

describeTarget('standalone');
describeTarget('cluster');
