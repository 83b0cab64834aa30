import assert from 'node:assert/strict';
import type { RateAlgorithm, Mode } from '@sluice/core';
import type { SuiteContext } from '../context.js';
import { policyAdmitting } from '../policies-for.js';

/** One decision, however many policies, is one round trip (or one synchronous section). */
export function roundTripSuite(ctx: SuiteContext, algorithms: readonly RateAlgorithm[]): void {
  const { test, timeoutMs, roundTrips } = ctx.options;
  const policies = algorithms.slice(0, 3).map((algorithm, index) => policyAdmitting(algorithm, 5 + index, `p${index}`));
  const modes: Mode[] = ['consume', 'peek', 'refund'];

  if (roundTrips === undefined) {
    test(
      `a ${policies.length}-policy decision is one synchronous section (no promise)`,
      async () => {
        const key = ctx.freshKey();
        for (const mode of modes) {
          const answer = ctx.store().consume({ key, policies, cost: 1, mode, nowMs: 1_700_006_400_000 });
          assert.ok(Array.isArray(answer), `${mode}: a store without a round-trip counter must answer synchronously`);
        }
      },
      timeoutMs,
    );
    return;
  }

  const countRoundTrips: () => number | Promise<number> = roundTrips;
  test(
    `a ${policies.length}-policy decision is exactly one round trip, in every mode`,
    async () => {
      const key = ctx.freshKey();
      for (const mode of modes) {
        for (let i = 0; i < 3; i++) {
          const before: number = await countRoundTrips();
          await ctx.call(key, policies, i, 1, mode);
          const after: number = await countRoundTrips();
          assert.equal(after - before, 1, `${mode} #${i + 1} took ${after - before} round trips`);
        }
      }
    },
    timeoutMs,
  );
}
