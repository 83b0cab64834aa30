import { baseKey, type Algorithm, type RateAlgorithm } from '@sluice/core';
import { assertResults } from '../assertions.js';
import type { SuiteContext } from '../context.js';
import { SCENARIOS } from '../scenarios.js';

export function scenarioSuite(ctx: SuiteContext, algorithms: readonly RateAlgorithm[]): void {
  const { test, timeoutMs } = ctx.options;
  for (const scenario of SCENARIOS) {
    if (!scenario.needs.every((algorithm) => (algorithms as readonly Algorithm[]).includes(algorithm))) continue;
    test(
      scenario.title,
      async () => {
        const namespace = ctx.freshNamespace();
        const policies = scenario.policies();
        for (const [index, step] of scenario.steps.entries()) {
          const key = baseKey(namespace, step.key ?? 'a');
          const results = await ctx.call(key, policies, step.at, step.cost, step.mode);
          const where = `step ${index + 1} (at +${step.at} ms, ${step.mode ?? 'consume'} cost ${step.cost ?? 1}, key ${step.key ?? 'a'})`;
          assertResults(results, step.expect, where);
        }
      },
      timeoutMs,
    );
  }
}
