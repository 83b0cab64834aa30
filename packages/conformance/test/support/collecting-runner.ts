import type { TestRunner } from '@sluice/conformance';

export interface Outcome {
  name: string;
  error?: unknown;
}

/** A tiny test runner: collects what the suite registers, then runs it and reports each outcome. */
export function collectingRunner(): TestRunner & { run(): Promise<Outcome[]> } {
  const befores: (() => Promise<void>)[] = [];
  const afters: (() => Promise<void>)[] = [];
  const tests: { name: string; body: () => Promise<void> }[] = [];
  const path: string[] = [];
  return {
    describe(name, body) {
      path.push(name);
      body();
      path.pop();
    },
    test(name, body) {
      tests.push({ name: [...path, name].join(' > '), body });
    },
    beforeAll(body) {
      befores.push(body);
    },
    afterAll(body) {
      afters.push(body);
    },
    async run() {
      for (const before of befores) await before();
      const outcomes: Outcome[] = [];
      for (const test of tests) {
        try {
          await test.body();
          outcomes.push({ name: test.name });
        } catch (error) {
          outcomes.push({ name: test.name, error });
        }
      }
      for (const after of afters) await after();
      return outcomes;
    },
  };
}
