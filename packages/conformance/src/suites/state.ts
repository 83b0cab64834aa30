import assert from 'node:assert/strict';
import type { RateAlgorithm } from '@sluice/core';
import { assertResults } from '../assertions.js';
import type { SuiteContext } from '../context.js';
import { policyAdmitting } from '../policies-for.js';

/** Denials leave state untouched, peek never charges, reset and key isolation. */
export function stateSuite(ctx: SuiteContext, algorithms: readonly RateAlgorithm[]): void {
  const { test, timeoutMs } = ctx.options;
  for (const algorithm of algorithms) {
    test(
      `${algorithm}: a denied request changes no state`,
      async () => {
        const key = ctx.freshKey();
        const policies = [policyAdmitting(algorithm, 2)];
        await ctx.call(key, policies, 0);
        await ctx.call(key, policies, 1);
        const before = await ctx.call(key, policies, 2, 1, 'peek');
        for (let i = 0; i < 3; i++) {
          const [denied] = await ctx.call(key, policies, 2);
          assert.equal(denied!.allowed, false, `request ${i + 3} should be denied`);
        }
        const heavy = await ctx.call(key, policies, 2, 5);
        assert.equal(heavy[0]!.allowed, false);
        assert.deepEqual(await ctx.call(key, policies, 2, 1, 'peek'), before, 'peek after the denials differs from before');
      },
      timeoutMs,
    );

    test(
      `${algorithm}: peek does not charge`,
      async () => {
        const key = ctx.freshKey();
        const policies = [policyAdmitting(algorithm, 3)];
        await ctx.call(key, policies, 0);
        for (let i = 0; i < 5; i++) assertResults(await ctx.call(key, policies, 1, 1, 'peek'), [{ allowed: true, remaining: 2 }], `peek ${i + 1}`);
        assertResults(await ctx.call(key, policies, 2), [{ allowed: true, remaining: 1 }], 'consume after peeks');
      },
      timeoutMs,
    );

    test(
      `${algorithm}: reset forgets one key and keys are isolated`,
      async () => {
        const a = ctx.freshKey('a');
        const b = ctx.freshKey('b');
        const policies = [policyAdmitting(algorithm, 2)];
        await ctx.call(a, policies, 0);
        await ctx.call(a, policies, 0);
        assertResults(await ctx.call(a, policies, 0), [{ allowed: false }], 'a exhausted');
        assertResults(await ctx.call(b, policies, 0), [{ allowed: true, remaining: 1 }], 'b untouched by a');
        await ctx.store().reset(a, policies);
        assertResults(await ctx.call(a, policies, 0), [{ allowed: true, remaining: 1 }], 'a after reset');
        assertResults(await ctx.call(b, policies, 0), [{ allowed: true, remaining: 0 }], 'b untouched by the reset of a');
      },
      timeoutMs,
    );

    test(
      `${algorithm}: refund gives the cost back`,
      async () => {
        const key = ctx.freshKey();
        const policies = [policyAdmitting(algorithm, 3)];
        await ctx.call(key, policies, 0, 3);
        assertResults(await ctx.call(key, policies, 0, 2, 'refund'), [{ allowed: true, remaining: 2 }], 'after refund');
        assertResults(await ctx.call(key, policies, 0, 2), [{ allowed: true, remaining: 0 }], 'refunded units are usable');
      },
      timeoutMs,
    );
  }
}
