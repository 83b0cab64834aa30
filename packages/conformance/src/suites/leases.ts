import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  baseKey,
  concurrency,
  createLimiter,
  ErrorCodes,
  fixedWindow,
  type PolicyResult,
  type RateAlgorithm,
  type StoreMode,
} from '@sluice/core';
import { assertResults, countAllowed } from '../assertions.js';
import { T0, type SuiteContext } from '../context.js';
import { policyAdmitting } from '../policies-for.js';
import { ReferenceStore } from '../reference-store.js';

const LEASE_MS = 1_000;
const inflight = (limit: number, name = 'inflight') => concurrency({ name, limit, leaseMs: LEASE_MS });

/**
 * The concurrency limit (leases), for stores that declare 'concurrency': acquire, release,
 * expiry after leaseMs on the fake clock, renew, exactness under parallel calls, all or nothing
 * with a rate policy (a release never touches it), reset, one round trip per lease operation,
 * and a randomized comparison with the reference model.
 */
export function leaseSuite(ctx: SuiteContext, rate: readonly RateAlgorithm[]): void {
  const { test, timeoutMs, roundTrips } = ctx.options;
  const calls = ctx.options.parallelCalls ?? 200;

  test(
    'concurrency: leases are taken up to the limit (cost units each) and a denial waits for the earliest expiries',
    async () => {
      const key = ctx.freshKey();
      const policies = [inflight(3)];
      assertResults(await ctx.call(key, policies, 0, 1, 'consume', 'a'), [{ allowed: true, remaining: 2, resetAfterMs: LEASE_MS }], 'lease a');
      assertResults(await ctx.call(key, policies, 100, 2, 'consume', 'b'), [{ allowed: true, remaining: 0, resetAfterMs: LEASE_MS }], 'lease b (cost 2)');
      // a (1 unit) expires at 1000 ms, b (2 units) at 1100 ms: cost 1 waits for a, cost 2 for b too.
      assertResults(await ctx.call(key, policies, 200, 1, 'consume', 'c'), [{ allowed: false, remaining: 0, retryAfterMs: 800 }], 'c denied');
      assertResults(await ctx.call(key, policies, 200, 2, 'consume', 'd'), [{ allowed: false, retryAfterMs: 900 }], 'd denied');
      assertResults(await ctx.call(key, policies, 200, 4, 'consume', 'e'), [{ allowed: false, retryAfterMs: Infinity }], 'a cost above the limit never passes');
      assertResults(await ctx.call(key, policies, 200, 1, 'peek'), [{ allowed: false, remaining: 0 }], 'peek when full');
    },
    timeoutMs,
  );

  test(
    'concurrency: release gives the units back at once, is idempotent, and a lease id taken again is replaced, not added',
    async () => {
      const key = ctx.freshKey();
      const policies = [inflight(2)];
      await ctx.call(key, policies, 0, 1, 'consume', 'a');
      await ctx.call(key, policies, 0, 1, 'consume', 'b');
      assertResults(await ctx.call(key, policies, 10, 1, 'release', 'a'), [{ allowed: true, remaining: 1 }], 'release a');
      assertResults(await ctx.call(key, policies, 10, 1, 'release', 'a'), [{ allowed: true, remaining: 1 }], 'release a again');
      assertResults(await ctx.call(key, policies, 10, 1, 'release', 'unknown'), [{ allowed: true, remaining: 1 }], 'release of a lease never taken');
      assertResults(await ctx.call(key, policies, 20, 1, 'consume', 'c'), [{ allowed: true, remaining: 0 }], 'c takes the freed unit');
      assertResults(await ctx.call(key, policies, 30, 1, 'consume', 'c'), [{ allowed: true, remaining: 0 }], 'c again replaces its own lease');
      assertResults(await ctx.call(key, policies, 40, 1, 'release', 'b'), [{ allowed: true, remaining: 1 }], 'release b');
      assertResults(await ctx.call(key, policies, 40, 1, 'release', 'c'), [{ allowed: true, remaining: 2, resetAfterMs: 0 }], 'release c: empty');
    },
    timeoutMs,
  );

  test(
    'concurrency: a lease lapses exactly leaseMs after it was taken (held at 999.999 ms, gone at 1000 ms)',
    async () => {
      const key = ctx.freshKey();
      const policies = [inflight(1)];
      await ctx.call(key, policies, 0.5, 1, 'consume', 'a');
      assertResults(await ctx.call(key, policies, 1000.499, 1, 'consume', 'b'), [{ allowed: false, retryAfterMs: 1 }], 'at +999.999 ms');
      assertResults(await ctx.call(key, policies, 1000.5, 1, 'consume', 'b'), [{ allowed: true, remaining: 0 }], 'at +1000 ms');
      assertResults(await ctx.call(key, policies, 2000.5, 1, 'peek'), [{ allowed: true, remaining: 1, resetAfterMs: 0 }], 'b lapsed too');
    },
    timeoutMs,
  );

  test(
    'concurrency: renew extends a live lease to now + leaseMs; a lapsed or released lease is not taken again',
    async () => {
      const key = ctx.freshKey();
      const policies = [inflight(1)];
      await ctx.call(key, policies, 0, 1, 'consume', 'a');
      assertResults(await ctx.call(key, policies, 600, 1, 'renew', 'a'), [{ allowed: true, remaining: 0, resetAfterMs: LEASE_MS }], 'renew a');
      assertResults(await ctx.call(key, policies, 1500, 1, 'consume', 'b'), [{ allowed: false, retryAfterMs: 100 }], 'a still held after its first expiry');
      assertResults(await ctx.call(key, policies, 1600, 1, 'renew', 'a'), [{ allowed: false, remaining: 1 }], 'renew after the lapse');
      assertResults(await ctx.call(key, policies, 1600, 1, 'peek'), [{ allowed: true, remaining: 1 }], 'the lapsed lease was not taken again');
      await ctx.call(key, policies, 1700, 1, 'consume', 'c');
      await ctx.call(key, policies, 1800, 1, 'release', 'c');
      assertResults(await ctx.call(key, policies, 1900, 1, 'renew', 'c'), [{ allowed: false, remaining: 1 }], 'renew after release');
    },
    timeoutMs,
  );

  test(
    `concurrency: exactly 50 of ${calls} parallel acquisitions hold a lease, and releasing them in parallel frees every unit`,
    async () => {
      const key = ctx.freshKey();
      const policies = [inflight(50)];
      const ids = Array.from({ length: calls }, (_, i) => `lease-${i}`);
      const batches = await Promise.all(ids.map((id) => ctx.call(key, policies, 0, 1, 'consume', id)));
      assert.equal(countAllowed(batches), 50);
      const held = ids.filter((_, i) => batches[i]![0]!.allowed);
      await Promise.all(held.map((id) => ctx.call(key, policies, 1, 1, 'release', id)));
      assertResults(await ctx.call(key, policies, 2, 1, 'peek'), [{ allowed: true, remaining: 50, resetAfterMs: 0 }], 'after the releases');
    },
    timeoutMs,
  );

  test(
    `concurrency + ${rate[0]}: all or nothing both ways, and a release never touches the rate policy`,
    async () => {
      const key = ctx.freshKey();
      const policies = [policyAdmitting(rate[0]!, 3, 'rate'), inflight(2)];
      assertResults(await ctx.call(key, policies, 0, 1, 'consume', 'a'), [{ allowed: true, remaining: 2 }, { allowed: true, remaining: 1 }], 'a');
      await ctx.call(key, policies, 0, 1, 'consume', 'b');
      // Concurrency full: denied, the rate policy reports uncharged.
      assertResults(await ctx.call(key, policies, 0, 1, 'consume', 'c'), [{ allowed: true, remaining: 1 }, { allowed: false }], 'c denied by concurrency');
      assertResults(await ctx.call(key, policies, 0, 1, 'release', 'a'), [{ remaining: 1 }, { allowed: true, remaining: 1 }], 'release a');
      await ctx.call(key, policies, 0, 1, 'consume', 'd');
      await ctx.call(key, policies, 0, 1, 'release', 'b');
      // Rate exhausted: denied, and no lease taken.
      assertResults(await ctx.call(key, policies, 0, 1, 'consume', 'e'), [{ allowed: false }, { allowed: true, remaining: 1 }], 'e denied by the rate');
      assertResults(await ctx.call(key, policies, 0, 1, 'peek'), [{ remaining: 0 }, { remaining: 1 }], 'e holds no lease');
      const wide = [fixedWindow({ name: 'wide', limit: 100, window: '1h' }), inflight(1, 'one')];
      const other = ctx.freshKey();
      await ctx.call(other, wide, 0, 1, 'consume', 'x');
      for (let i = 0; i < 3; i++) await ctx.call(other, wide, 0, 1, 'consume', `y${i}`);
      await ctx.call(other, wide, 0, 1, 'renew', 'x');
      assertResults(await ctx.call(other, wide, 0, 1, 'peek'), [{ remaining: 99 }, { remaining: 0 }], 'denials and a renew charged nothing');
    },
    timeoutMs,
  );

  test(
    'concurrency: reset forgets the key\'s leases, and keys are isolated',
    async () => {
      const a = ctx.freshKey('a');
      const b = ctx.freshKey('b');
      const policies = [inflight(1)];
      await ctx.call(a, policies, 0, 1, 'consume', 'x');
      await ctx.call(b, policies, 0, 1, 'consume', 'x');
      assertResults(await ctx.call(a, policies, 0, 1, 'consume', 'y'), [{ allowed: false }], 'a full');
      await ctx.call(b, policies, 0, 1, 'release', 'x');
      assertResults(await ctx.call(a, policies, 0, 1, 'peek'), [{ remaining: 0 }], "b's release leaves a alone");
      await ctx.store().reset(a, policies);
      assertResults(await ctx.call(a, policies, 0, 1, 'consume', 'y'), [{ allowed: true, remaining: 0 }], 'a after reset');
    },
    timeoutMs,
  );

  if (roundTrips !== undefined) {
    const count: () => number | Promise<number> = roundTrips;
    test(
      'concurrency: every lease operation (consume, peek, release, renew) is exactly one round trip',
      async () => {
        const key = ctx.freshKey();
        const policies = [policyAdmitting(rate[0]!, 5, 'rate'), inflight(2)];
        for (const mode of ['consume', 'peek', 'renew', 'release'] as const) {
          const before: number = await count();
          await ctx.call(key, policies, 0, 1, mode, 'a');
          const after: number = await count();
          assert.equal(after - before, 1, `${mode} took ${after - before} round trips`);
        }
      },
      timeoutMs,
    );
  }

  test(
    'randomized: concurrency (with and without a rate policy) agrees with the reference model',
    async () => {
      const operation = fc.record({
        advanceMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 1_500_000 }).map((us) => us / 1000)),
        lease: fc.constantFrom('a', 'b', 'c', 'd'),
        cost: fc.oneof({ arbitrary: fc.constant(1), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 1 }),
        mode: fc.constantFrom<StoreMode>('consume', 'consume', 'consume', 'release', 'release', 'renew', 'peek', 'refund'),
      });
      const property = fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        fc.array(operation, { minLength: 1, maxLength: 40 }),
        async (limit, withRate, operations) => {
          const policies = withRate ? [policyAdmitting(rate[0]!, 5, 'rate'), inflight(limit)] : [inflight(limit)];
          const reference = new ReferenceStore();
          const key = baseKey(ctx.freshNamespace(), 'k');
          let nowMs = T0 + 123.456;
          for (const [index, op] of operations.entries()) {
            nowMs += op.advanceMs;
            const request = { key, policies, cost: op.cost, mode: op.mode, nowMs, lease: op.lease };
            const expected = reference.consume(request);
            const actual: PolicyResult[] = [...(await ctx.store().consume(request))];
            assert.deepEqual(actual, expected, `operation ${index + 1} (${op.mode} ${op.lease} cost ${op.cost} at T0+${(nowMs - T0).toFixed(3)} ms) differs`);
          }
        },
      );
      await fc.assert(property, { numRuns: ctx.options.randomRuns ?? 40 });
    },
    timeoutMs,
  );
}

/**
 * Concurrency not certified: the lease scenarios are skipped, and createLimiter takes a
 * concurrency policy on the store exactly when the store declares 'concurrency' (otherwise
 * ERR_SLUICE_UNSUPPORTED_ALGORITHM).
 */
export function capabilitySuite(ctx: SuiteContext): void {
  const { test, timeoutMs } = ctx.options;
  test(
    'concurrency (not certified): createLimiter refuses a concurrency policy unless the store declares it',
    async () => {
      const build = () => createLimiter({ store: ctx.store(), policies: [inflight(1)] });
      if (ctx.store().algorithms.includes('concurrency')) {
        assert.equal(build().policies[0]!.algorithm, 'concurrency');
        return;
      }
      assert.throws(build, (error: unknown) => (error as { code?: unknown }).code === ErrorCodes.UNSUPPORTED_ALGORITHM);
    },
    timeoutMs,
  );
}
