import assert from 'node:assert/strict';
import type { RateAlgorithm, Policy } from '@sluice/core';
import { countAllowed } from '../assertions.js';
import type { SuiteContext } from '../context.js';
import { policyAdmitting } from '../policies-for.js';

const LIMIT = 50;

/** Many calls in flight on one key at one instant: exactly the limit passes, never more. */
export function concurrencySuite(ctx: SuiteContext, algorithms: readonly RateAlgorithm[]): void {
  const { test, timeoutMs } = ctx.options;
  const calls = ctx.options.parallelCalls ?? 200;

  const fire = async (key: string, policies: readonly Policy[]) =>
    Promise.all(Array.from({ length: calls }, () => ctx.call(key, policies, 0)));

  for (const algorithm of algorithms) {
    test(
      `${algorithm}: exactly ${LIMIT} of ${calls} parallel calls on one key are admitted`,
      async () => {
        const batches = await fire(ctx.freshKey(), [policyAdmitting(algorithm, LIMIT)]);
        assert.equal(countAllowed(batches), LIMIT);
      },
      timeoutMs,
    );
  }

  if (algorithms.length >= 2) {
    const [first, second] = algorithms as [RateAlgorithm, RateAlgorithm];
    test(
      `${first} + ${second}: parallel calls admit exactly the tighter limit`,
      async () => {
        const key = ctx.freshKey();
        const policies = [policyAdmitting(first, LIMIT, 'wide'), policyAdmitting(second, LIMIT - 20, 'narrow')];
        const batches = await fire(key, policies);
        assert.equal(countAllowed(batches), LIMIT - 20);
        const [wide] = await ctx.call(key, policies, 0, 1, 'peek');
        assert.equal(wide!.remaining, 20, 'denied calls must not charge the wide policy');
      },
      timeoutMs,
    );
  }
}
