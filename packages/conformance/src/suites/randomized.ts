import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  baseKey,
  fixedWindow,
  leakyBucket,
  slidingLog,
  slidingWindow,
  tokenBucket,
  type RateAlgorithm,
  type Mode,
  type Policy,
} from '@sluice/core';
import { T0, type SuiteContext } from '../context.js';
import { ReferenceStore } from '../reference-store.js';

interface PolicySpec {
  algorithm: RateAlgorithm;
  limit: number;
  windowMs: number;
  rate: number;
}

interface Operation {
  /** Milliseconds since the previous operation, often with a microsecond fraction. */
  advanceMs: number;
  key: 0 | 1;
  cost: number;
  mode: Mode;
}

function build(spec: PolicySpec, index: number): Policy {
  const name = `p${index}`;
  switch (spec.algorithm) {
    case 'fixed-window':
      return fixedWindow({ name, limit: spec.limit, window: spec.windowMs });
    case 'sliding-window':
      return slidingWindow({ name, limit: spec.limit, window: spec.windowMs });
    case 'sliding-log':
      return slidingLog({ name, limit: spec.limit, window: spec.windowMs });
    case 'token-bucket':
      return tokenBucket({ name, capacity: spec.limit, refillPerSecond: spec.rate });
    case 'leaky-bucket':
      return leakyBucket({ name, capacity: spec.limit, leakPerSecond: spec.rate });
  }
}

const operation: fc.Arbitrary<Operation> = fc.record({
  advanceMs: fc.oneof(
    fc.constant(0),
    fc.integer({ min: 0, max: 700 }),
    fc.integer({ min: 0, max: 1_500_000 }).map((us) => us / 1000),
  ),
  key: fc.constantFrom(0 as const, 1 as const),
  cost: fc.oneof({ arbitrary: fc.constant(1), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 4 }), weight: 1 }),
  mode: fc.oneof(
    { arbitrary: fc.constant<Mode>('consume'), weight: 8 },
    { arbitrary: fc.constant<Mode>('peek'), weight: 1 },
    { arbitrary: fc.constant<Mode>('refund'), weight: 1 },
  ),
});

function policySpec(algorithms: readonly RateAlgorithm[]): fc.Arbitrary<PolicySpec> {
  return fc.record({
    algorithm: fc.constantFrom(...algorithms),
    limit: fc.integer({ min: 1, max: 6 }),
    windowMs: fc.constantFrom(100, 250, 999, 1000, 1500, 3000),
    rate: fc.constantFrom(0.5, 1, 2, 3, 7, 10),
  });
}

/** Random operation sequences, store vs core's reference model, result by result. */
export function randomizedSuite(ctx: SuiteContext, algorithms: readonly RateAlgorithm[]): void {
  const { test, timeoutMs } = ctx.options;
  const numRuns = ctx.options.randomRuns ?? 40;
  const groups: (readonly RateAlgorithm[])[] = algorithms.map((algorithm) => [algorithm]);
  if (algorithms.length > 1) groups.push(algorithms);

  for (const group of groups) {
    test(
      `randomized: ${group.length === 1 ? group[0] : 'mixed policies'} agrees with the reference model`,
      async () => {
        const property = fc.asyncProperty(
          fc.uniqueArray(policySpec(group), {
            minLength: 1,
            maxLength: group.length === 1 ? 2 : 3,
            selector: (spec) => `${spec.algorithm}-${spec.limit}-${spec.windowMs}-${spec.rate}`,
          }),
          fc.array(operation, { minLength: 1, maxLength: 40 }),
          async (specs, operations) => {
            const policies = specs.map(build);
            if (new Set(policies.map((policy) => policy.id)).size !== policies.length) return;
            const reference = new ReferenceStore();
            const namespace = ctx.freshNamespace();
            const keys = [baseKey(namespace, 'k0'), baseKey(namespace, 'k1')];
            let nowMs = T0 + 123.456;
            for (const [index, op] of operations.entries()) {
              nowMs += op.advanceMs;
              const request = { key: keys[op.key]!, policies, cost: op.cost, mode: op.mode, nowMs };
              const expected = reference.consume(request);
              const actual = await ctx.store().consume(request);
              assert.deepEqual(
                [...actual],
                expected,
                `operation ${index + 1} (${op.mode} cost ${op.cost} key ${op.key} at T0+${(nowMs - T0).toFixed(3)} ms) differs from the reference model`,
              );
            }
          },
        );
        await fc.assert(property, { numRuns });
      },
      timeoutMs,
    );
  }
}
