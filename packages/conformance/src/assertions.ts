import assert from 'node:assert/strict';
import type { PolicyResult } from '@sluice/core';

/** Checks the listed fields of each policy's result, naming the step and field on failure. */
export function assertResults(actual: readonly PolicyResult[], expected: readonly Partial<PolicyResult>[], where: string): void {
  assert.equal(actual.length, expected.length, `${where}: expected ${expected.length} policy results, got ${actual.length}`);
  expected.forEach((fields, index) => {
    const result = actual[index]!;
    for (const [field, value] of Object.entries(fields)) {
      const got = result[field as keyof PolicyResult];
      assert.ok(
        Object.is(got, value),
        `${where}, policy ${index} (${result.policy}): expected ${field} = ${String(value)}, got ${String(got)}\n` +
          `  full result: ${JSON.stringify(result)}`,
      );
    }
  });
}

export function countAllowed(batches: readonly (readonly PolicyResult[])[]): number {
  return batches.filter((results) => results.every((result) => result.allowed)).length;
}
