import {
  baseKey,
  createLimiter,
  ErrorCodes,
  fixedWindow,
  leakyBucket,
  slidingLog,
  slidingWindow,
  tokenBucket,
  type Mode,
  type Policy,
  type PolicyResult,
} from '@sluice/core';
import { RedisStore } from '@sluice/redis';
import { useTarget, type TargetKind } from './support/use-target';

// The limiter's bound path (RedisStore.bind) against the store's own consume: same decisions,
// same keys, on a fake clock, for every algorithm alone and for several policies at once.

const T0 = 1_700_006_400_000 + 12.345;
const SETS: Record<string, readonly Policy[]> = {
  'fixed window': [fixedWindow({ limit: 3, window: 1000 })],
  'sliding window': [slidingWindow({ limit: 3, window: 1000 })],
  'sliding log': [slidingLog({ limit: 3, window: 1000 })],
  'token bucket': [tokenBucket({ capacity: 3, refillPerSecond: 3 })],
  'leaky bucket': [leakyBucket({ capacity: 3, leakPerSecond: 2 })],
  'token bucket + fixed window': [tokenBucket({ capacity: 4, refillPerSecond: 2 }), fixedWindow({ limit: 3, window: 2000 })],
};
/** [mode, cost, ms after T0]: admissions, denials, a cost above every limit, a peek, a refund. */
const STEPS: readonly (readonly [Mode, number, number])[] = [
  ['consume', 1, 0], ['consume', 2, 1], ['consume', 1, 2], ['peek', 1, 3], ['consume', 9, 4],
  ['refund', 1, 5], ['consume', 1, 400.5], ['consume', 2, 1000], ['consume', 1, 2500],
];

/** A PolicyResult-like view of a decision's per-policy results. */
function plain(results: readonly PolicyResult[]): PolicyResult[] {
  return results.map((r) => ({ ...r }));
}

function describeTarget(kind: TargetKind): void {
  describe(`RedisStore bound to a limiter (${kind})`, () => {
    const run = `binding-${process.pid}-${Date.now().toString(36)}`;
    const fixture = useTarget(kind, [`${run}*`]);

    test.each(Object.keys(SETS))('%s: the bound limiter decides as store.consume does, on the same key', async (set) => {
      const policies = SETS[set]!;
      const store = new RedisStore({ client: fixture().client(), prefix: run });
      expect(store.bind({ prefix: 'bound', policies })).toBeDefined();
      const limiter = createLimiter({ store, policies, prefix: 'bound' });
      const compared: unknown[] = [];
      for (const [mode, cost, at] of STEPS) {
        const nowMs = T0 + at;
        const options = { cost, nowMs };
        const bound = mode === 'consume' ? await limiter.consume(`a-${set}`, options) : mode === 'peek' ? await limiter.peek(`a-${set}`, options) : await limiter.refund(`a-${set}`, options);
        expect(bound.decidedBy).toBe('store');
        const direct = await store.consume({ key: baseKey('bound', `b-${set}`), policies, cost, mode, nowMs });
        expect(plain(bound.results)).toEqual(plain(direct));
        compared.push(bound.allowed);
      }
      expect(compared).toContain(true);
      expect(compared).toContain(false);
      // The bound decisions wrote the key consume reads: both keys now hold the same state.
      const a = await store.consume({ key: baseKey('bound', `a-${set}`), policies, cost: 1, mode: 'peek', nowMs: T0 + 2600 });
      const b = await store.consume({ key: baseKey('bound', `b-${set}`), policies, cost: 1, mode: 'peek', nowMs: T0 + 2600 });
      expect(a).toEqual(b);
      await limiter.reset(`a-${set}`);
      const cleared = await store.consume({ key: baseKey('bound', `a-${set}`), policies, cost: 1, mode: 'peek', nowMs: T0 + 2600 });
      expect(cleared.map((r) => r.remaining)).toEqual(policies.map((p) => p.limit));
    });

    test('a cost above the limit is never admitted: retryAfterMs is Infinity', async () => {
      const store = new RedisStore({ client: fixture().client(), prefix: run });
      const limiter = createLimiter({ store, policies: [fixedWindow({ limit: 2, window: '1m' })], prefix: 'never' });
      const decision = await limiter.consume('k', { cost: 3 });
      expect({ allowed: decision.allowed, retryAfterMs: decision.retryAfterMs }).toEqual({ allowed: false, retryAfterMs: Infinity });
    });

    test('a closed store: the bound decision fails like consume (StoreError, then the failure policy)', async () => {
      const store = new RedisStore({ client: fixture().client(), prefix: run });
      const binding = store.bind({ prefix: 'closed', policies: [fixedWindow({ limit: 2, window: '1m' })] })!;
      store.close();
      await expect(binding.decide('k', 1, 'consume', undefined)).rejects.toMatchObject({ code: ErrorCodes.STORE_CLOSED });
    });

    test('a subclass that overrides consume is not bound, so the override sees every request', () => {
      class Counting extends RedisStore {
        override consume(request: Parameters<RedisStore['consume']>[0]) {
          return super.consume(request);
        }
      }
      const client = fixture().client();
      const policies = [fixedWindow({ limit: 2, window: '1m' })];
      expect(new Counting({ client }).bind({ prefix: 'p', policies })).toBeUndefined();
      expect(new RedisStore({ client }).bind({ prefix: 'p', policies })).toBeDefined();
    });
  });
}

describeTarget('standalone');
describeTarget('cluster');
