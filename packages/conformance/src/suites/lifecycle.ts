import assert from 'node:assert/strict';
import { ALL_ALGORITHMS, type RateAlgorithm } from '@sluice/core';
import type { SuiteContext } from '../context.js';
import { policyAdmitting } from '../policies-for.js';

export function lifecycleSuite(ctx: SuiteContext, algorithms: readonly RateAlgorithm[]): void {
  const { test, timeoutMs, makeStore } = ctx.options;
  const close = ctx.options.closeStore ?? ((store) => store.close?.());

  test(
    'declares every certified algorithm and only known ones',
    async () => {
      const declared = ctx.store().algorithms;
      for (const algorithm of declared) assert.ok(ALL_ALGORITHMS.includes(algorithm), `unknown algorithm ${algorithm}`);
      for (const algorithm of algorithms) assert.ok(declared.includes(algorithm), `the store does not declare ${algorithm}`);
    },
    timeoutMs,
  );

  test(
    'a second store instance shares state as declared, and closing it twice is fine',
    async () => {
      const other = await makeStore();
      try {
        const key = ctx.freshKey();
        const policies = [policyAdmitting(algorithms[0]!, 3)];
        await ctx.call(key, policies, 0);
        const seen = await other.consume({ key, policies, cost: 1, mode: 'peek', nowMs: 1_700_006_400_000 });
        const expected = ctx.options.sharedState ? 2 : 3;
        assert.equal(seen[0]!.remaining, expected, ctx.options.sharedState ? 'instances must share state' : 'instances must not share state');
      } finally {
        await close(other);
        await close(other);
      }
    },
    timeoutMs,
  );
}
