import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  baseKey,
  concurrency,
  createLimiter,
  ErrorCodes,
  fixedWindow,
  penalty,
  type PolicyResult,
  type RateAlgorithm,
  type StoreMode,
} from '@sluice/core';
import { assertResults } from '../assertions.js';
import { T0, type SuiteContext } from '../context.js';
import { policyAdmitting } from '../policies-for.js';
import { ReferenceStore } from '../reference-store.js';

const MINUTE = 60_000;
/** Admits one request an hour: every later consume is a denial, i.e. a strike. */
const once = () => fixedWindow({ name: 'rate', limit: 1, window: '1h' });

/**
 * Penalties for repeat offenders, for stores that declare 'penalty': strikes counted only for
 * consumes another policy denies, the block after `after` strikes, strikes that stop counting
 * after `within` (exactly), a truthful retry (the time left, never extended by blocked calls),
 * nothing charged while blocked (all or nothing), escalating steps, exactness under parallel
 * calls, reset, one round trip, and a randomized comparison with the reference model.
 */
export function penaltySuite(ctx: SuiteContext, rate: readonly RateAlgorithm[]): void {
  const { test, timeoutMs, roundTrips } = ctx.options;
  const calls = Math.min(ctx.options.parallelCalls ?? 200, 200);

  test(
    'penalty: a consume another policy denies is a strike (remaining counts down); admitted consumes and peeks are not',
    async () => {
      const key = ctx.freshKey();
      const policies = [once(), penalty({ name: 'penalty', after: 3, within: '1m', blockFor: '5m' })];
      assertResults(await ctx.call(key, policies, 0), [{ allowed: true, remaining: 0 }, { allowed: true, remaining: 3, resetAfterMs: 0 }], 'admitted');
      assertResults(await ctx.call(key, policies, 10, 1, 'peek'), [{ allowed: false }, { allowed: true, remaining: 3 }], 'a peek is no strike');
      assertResults(await ctx.call(key, policies, 1000), [{ allowed: false }, { allowed: true, remaining: 2, resetAfterMs: MINUTE, retryAfterMs: 0 }], 'strike 1');
      assertResults(await ctx.call(key, policies, 2000), [{ allowed: false }, { allowed: true, remaining: 1, resetAfterMs: MINUTE }], 'strike 2');
      assertResults(await ctx.call(key, policies, 2500, 1, 'peek'), [{ allowed: false }, { allowed: true, remaining: 1, resetAfterMs: MINUTE - 500 }], 'peek after 2 strikes');
    },
    timeoutMs,
  );

  test(
    'penalty: the strike that reaches `after` blocks for blockFor; the block denies with the exact time left and ends exactly',
    async () => {
      const key = ctx.freshKey();
      const policies = [once(), penalty({ name: 'penalty', after: 2, within: '1m', blockFor: '5m' })];
      await ctx.call(key, policies, 0);
      await ctx.call(key, policies, 1000);
      assertResults(await ctx.call(key, policies, 2000), [{ allowed: false }, { allowed: false, remaining: 0, retryAfterMs: 5 * MINUTE, resetAfterMs: 5 * MINUTE }], 'blocking strike');
      assertResults(await ctx.call(key, policies, 2000 + 60_000.5), [{}, { allowed: false, remaining: 0, retryAfterMs: 4 * MINUTE, resetAfterMs: 4 * MINUTE }], 'blocked (retry rounded up)');
      assertResults(await ctx.call(key, policies, 2000 + 60_000.5, 1, 'peek'), [{}, { allowed: false, retryAfterMs: 4 * MINUTE }], 'peek while blocked');
      // Blocked consumes are not strikes: the block never extends itself.
      for (let i = 0; i < 5; i++) await ctx.call(key, policies, 3000 + i);
      assertResults(await ctx.call(key, policies, 2000 + 5 * MINUTE - 0.001), [{}, { allowed: false, retryAfterMs: 1 }], 'at 4:59.999');
      assertResults(await ctx.call(key, policies, 2000 + 5 * MINUTE), [{ allowed: false }, { allowed: true, remaining: 1 }], 'block over: the rate policy decides, a new strike');
    },
    timeoutMs,
  );

  test(
    'penalty: a strike counts exactly `within` (gone at stamp + within)',
    async () => {
      const key = ctx.freshKey();
      const policies = [once(), penalty({ name: 'penalty', after: 3, within: '1m', blockFor: '5m' })];
      await ctx.call(key, policies, 0);
      await ctx.call(key, policies, 1000); // strike at 1 s
      await ctx.call(key, policies, 2000); // strike at 2 s
      assertResults(await ctx.call(key, policies, 61_000 - 0.001, 1, 'peek'), [{}, { remaining: 1 }], 'both strikes live at 60.999 s');
      assertResults(await ctx.call(key, policies, 61_000, 1, 'peek'), [{}, { remaining: 2 }], 'the first is gone at 61 s');
      assertResults(await ctx.call(key, policies, 61_000), [{}, { allowed: true, remaining: 1 }], 'a strike at 61 s: two live');
      assertResults(await ctx.call(key, policies, 62_000), [{}, { allowed: true, remaining: 1 }], 'the 2 s strike gone at 62 s; one more: two live');
      assertResults(await ctx.call(key, policies, 62_500), [{}, { allowed: false, retryAfterMs: 5 * MINUTE }], 'three live: blocked');
      assertResults(await ctx.call(key, policies, 200 * MINUTE, 1, 'peek'), [{}, { allowed: true, remaining: 3, resetAfterMs: 0 }], 'long after: clean');
    },
    timeoutMs,
  );

  test(
    'penalty: all or nothing: a blocked consume charges no other policy; a refund still reaches them',
    async () => {
      const key = ctx.freshKey();
      const hourly = fixedWindow({ name: 'hourly', limit: 10, window: '1h' });
      const second = fixedWindow({ name: 'second', limit: 2, window: '1s' });
      const policies = [hourly, second, penalty({ name: 'penalty', after: 2, within: '1m', blockFor: '10s' })];
      await ctx.call(key, policies, 0);
      await ctx.call(key, policies, 1);
      assertResults(await ctx.call(key, policies, 2), [{ allowed: true, remaining: 8 }, { allowed: false }, { allowed: true, remaining: 1 }], 'strike 1, hourly not charged');
      assertResults(await ctx.call(key, policies, 3), [{ allowed: true, remaining: 8 }, { allowed: false }, { allowed: false, retryAfterMs: 10_000 }], 'strike 2 blocks');
      for (let i = 0; i < 5; i++) {
        assertResults(await ctx.call(key, policies, 5000 + i), [{ allowed: true, remaining: 8 }, { allowed: true, remaining: 2 }, { allowed: false }], `blocked consume ${i}`);
      }
      assertResults(await ctx.call(key, policies, 6000, 1, 'refund'), [{ allowed: true, remaining: 9 }, { allowed: true }, { allowed: true }], 'a refund while blocked');
      assertResults(await ctx.call(key, policies, 10_003), [{ allowed: true, remaining: 8 }, { allowed: true, remaining: 1 }, { allowed: true, remaining: 2 }], 'after the block');
    },
    timeoutMs,
  );

  test(
    'penalty: escalating blockFor steps, the last repeating, forgotten once unblocked for the longest step',
    async () => {
      const key = ctx.freshKey();
      const policies = [once(), penalty({ name: 'penalty', after: 1, within: '1m', blockFor: ['1s', '2s'] })];
      await ctx.call(key, policies, 0);
      assertResults(await ctx.call(key, policies, 10), [{}, { allowed: false, retryAfterMs: 1000 }], 'first block: 1 s');
      assertResults(await ctx.call(key, policies, 1010), [{}, { allowed: false, retryAfterMs: 2000 }], 'second: 2 s');
      assertResults(await ctx.call(key, policies, 3010), [{}, { allowed: false, retryAfterMs: 2000 }], 'third: the last step again');
      // That block ended at 5010; its level is remembered for 2 s (the longest step).
      assertResults(await ctx.call(key, policies, 7009), [{}, { allowed: false, retryAfterMs: 2000 }], 'within the memory');
      assertResults(await ctx.call(key, policies, 9009 + 2000), [{}, { allowed: false, retryAfterMs: 1000 }], 'forgotten: the first step again');
    },
    timeoutMs,
  );

  test(
    `penalty: ${calls} parallel denied consumes make exactly \`after\` strikes, then every other one is blocked`,
    async () => {
      const key = ctx.freshKey();
      const after = 5;
      const policies = [policyAdmitting(rate[0]!, 10, 'rate'), penalty({ name: 'penalty', after, within: '1m', blockFor: '1h' })];
      const batches = await Promise.all(Array.from({ length: calls }, () => ctx.call(key, policies, 0)));
      const admitted = batches.filter((results) => results.every((result) => result.allowed)).length;
      const strikes = batches.filter((results) => !results[0]!.allowed && results[1]!.allowed).map((results) => results[1]!.remaining);
      const blocked = batches.filter((results) => !results[1]!.allowed).length;
      assert.equal(admitted, 10, 'the rate policy admits exactly its limit');
      assert.deepEqual([...strikes].sort(), [1, 2, 3, 4], 'strikes before the block, each counted once');
      assert.equal(blocked, calls - 10 - (after - 1), 'the blocking strike and every later consume are denied by the penalty');
    },
    timeoutMs,
  );

  if (ctx.options.algorithms.includes('concurrency')) {
    test(
      'penalty + concurrency: denied acquisitions strike; a blocked key takes no lease, and its held leases still release',
      async () => {
        const key = ctx.freshKey();
        const policies = [concurrency({ name: 'inflight', limit: 1, leaseMs: '1h' }), penalty({ name: 'penalty', after: 2, within: '1m', blockFor: '10s' })];
        assertResults(await ctx.call(key, policies, 0, 1, 'consume', 'a'), [{ allowed: true, remaining: 0 }, { allowed: true, remaining: 2 }], 'lease a');
        assertResults(await ctx.call(key, policies, 1, 1, 'consume', 'b'), [{ allowed: false }, { allowed: true, remaining: 1 }], 'b: strike 1');
        assertResults(await ctx.call(key, policies, 2, 1, 'consume', 'c'), [{ allowed: false }, { allowed: false, retryAfterMs: 10_000 }], 'c: blocked');
        assertResults(await ctx.call(key, [policies[0]!], 3, 1, 'release', 'a'), [{ allowed: true, remaining: 1 }], 'a released while blocked');
        assertResults(await ctx.call(key, policies, 4, 1, 'consume', 'd'), [{ allowed: true, remaining: 1 }, { allowed: false, retryAfterMs: 9998 }], 'd: blocked, takes no lease');
        assertResults(await ctx.call(key, policies, 10_002, 1, 'consume', 'e'), [{ allowed: true, remaining: 0 }, { allowed: true, remaining: 2 }], 'e after the block');
      },
      timeoutMs,
    );
  }

  test(
    'penalty: reset forgets strikes and the block',
    async () => {
      const key = ctx.freshKey();
      const policies = [once(), penalty({ name: 'penalty', after: 1, within: '1m', blockFor: '1h' })];
      await ctx.call(key, policies, 0);
      assertResults(await ctx.call(key, policies, 1), [{}, { allowed: false }], 'blocked');
      await ctx.store().reset(key, policies);
      assertResults(await ctx.call(key, policies, 2), [{ allowed: true }, { allowed: true, remaining: 1 }], 'after reset');
    },
    timeoutMs,
  );

  if (roundTrips !== undefined) {
    const count: () => number | Promise<number> = roundTrips;
    test(
      'penalty: a strike, a blocked consume, a peek and a refund are one round trip each',
      async () => {
        const key = ctx.freshKey();
        const policies = [once(), penalty({ name: 'penalty', after: 1, within: '1m', blockFor: '1h' })];
        await ctx.call(key, policies, 0);
        for (const mode of ['consume', 'consume', 'peek', 'refund'] as const) {
          const before: number = await count();
          await ctx.call(key, policies, 10, 1, mode);
          const after: number = await count();
          assert.equal(after - before, 1, `${mode} took ${after - before} round trips`);
        }
      },
      timeoutMs,
    );
  }

  test(
    'penalty: createLimiter takes it next to another policy, at most one, never alone',
    async () => {
      const store = ctx.store();
      const one = penalty({ after: 3, within: '1m', blockFor: '15m' });
      const limiter = createLimiter({ store, policies: [once(), one] });
      assert.equal(limiter.policies[1]!.algorithm, 'penalty');
      const bad = (policies: unknown[]) => () => createLimiter({ store, policies: policies as never });
      assert.throws(bad([one]), (error: unknown) => (error as { code?: unknown }).code === ErrorCodes.INVALID_OPTION);
      assert.throws(bad([once(), one, penalty({ after: 2, within: '1m', blockFor: '1m' })]), /at most one penalty/);
    },
    timeoutMs,
  );

  test(
    'randomized: a penalty with one or two rate policies agrees with the reference model',
    async () => {
      const operation = fc.record({
        advanceMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 3_000_000 }).map((us) => us / 1000)),
        cost: fc.oneof({ arbitrary: fc.constant(1), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 1 }),
        mode: fc.constantFrom<StoreMode>('consume', 'consume', 'consume', 'consume', 'peek', 'refund'),
      });
      const property = fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom<readonly string[]>(['1s'], ['500ms', '2s'], ['1s', '2s', '3s']),
        fc.boolean(),
        fc.array(operation, { minLength: 1, maxLength: 40 }),
        async (after, steps, twoRates, operations) => {
          const rates = rate.slice(0, twoRates ? 2 : 1).map((algorithm, index) => policyAdmitting(algorithm, 2 + index, `rate${index}`));
          const policies = [...rates, penalty({ name: 'penalty', after, within: '3s', blockFor: steps as never })];
          const reference = new ReferenceStore();
          const key = baseKey(ctx.freshNamespace(), 'k');
          let nowMs = T0 + 123.456;
          for (const [index, op] of operations.entries()) {
            nowMs += op.advanceMs;
            const request = { key, policies, cost: op.cost, mode: op.mode, nowMs };
            const expected = reference.consume(request);
            const actual: PolicyResult[] = [...(await ctx.store().consume(request))];
            assert.deepEqual(actual, expected, `operation ${index + 1} (${op.mode} cost ${op.cost} at T0+${(nowMs - T0).toFixed(3)} ms) differs`);
          }
        },
      );
      await fc.assert(property, { numRuns: ctx.options.randomRuns ?? 40 });
    },
    timeoutMs,
  );
}

/**
 * Penalty not certified: createLimiter takes a penalty on the store exactly when the store
 * declares 'penalty' (otherwise ERR_SLUICE_UNSUPPORTED_ALGORITHM).
 */
export function penaltyCapabilitySuite(ctx: SuiteContext): void {
  const { test, timeoutMs } = ctx.options;
  test(
    'penalty (not certified): createLimiter refuses a penalty policy unless the store declares it',
    async () => {
      const build = () => createLimiter({ store: ctx.store(), policies: [once(), penalty({ after: 3, within: '1m', blockFor: '15m' })] });
      if (ctx.store().algorithms.includes('penalty')) {
        assert.equal(build().policies[1]!.algorithm, 'penalty');
        return;
      }
      assert.throws(build, (error: unknown) => (error as { code?: unknown }).code === ErrorCodes.UNSUPPORTED_ALGORITHM);
    },
    timeoutMs,
  );
}
