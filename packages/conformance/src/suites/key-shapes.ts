import assert from 'node:assert/strict';
import { createLimiter, ErrorCodes, type RateAlgorithm, type Decision, type Limiter, type StoreError } from '@sluice/core';
import { T0, type SuiteContext } from '../context.js';
import { KEY_SHAPES } from '../key-shapes.js';
import { policyAdmitting } from '../policies-for.js';

const LIMIT = 2;

interface Probe {
  limiter: Limiter;
  errors: StoreError[];
}

/**
 * Every string the limiter accepts is a distinct, working key on the store, asked through a
 * real limiter (which derives and encodes the store key) with one policy per certified
 * algorithm. `onStoreError: 'deny'` so a store that chokes on a key can never look like an
 * admitted request; failures are also collected through `onError`.
 */
export function keyShapesSuite(ctx: SuiteContext, algorithms: readonly RateAlgorithm[]): void {
  const { test, timeoutMs } = ctx.options;

  function probe(): Probe {
    const errors: StoreError[] = [];
    const limiter = createLimiter({
      store: ctx.store(),
      policies: algorithms.map((algorithm) => policyAdmitting(algorithm, LIMIT)),
      prefix: ctx.freshNamespace(),
      onStoreError: 'deny',
      onError: (error) => errors.push(error),
    });
    return { limiter, errors };
  }

  function assertAnswered(decision: Decision, errors: readonly StoreError[], where: string): void {
    assert.equal(errors.length, 0, `${where}: the store failed: ${errors[0]?.message}`);
    assert.equal(decision.degraded, undefined, `${where}: the decision is degraded (${String(decision.degraded)})`);
    assert.equal(decision.decidedBy, 'store', `${where}: decided by ${decision.decidedBy}, not the store`);
  }

  async function assertRemaining(p: Probe, expected: number, keys: typeof KEY_SHAPES, mode: 'consume' | 'peek', what: string) {
    assert.ok(keys.length > 0, 'no key shapes to check');
    for (const [label, key] of keys) {
      const decision = await (mode === 'consume' ? p.limiter.consume(key, { nowMs: T0 }) : p.limiter.peek(key, { nowMs: T0 }));
      assertAnswered(decision, p.errors, `${what}, key "${label}"`);
      assert.equal(decision.allowed, true, `${what}, key "${label}": denied`);
      // A fresh key reports LIMIT - 1 after its first charge; less means another key shares its state.
      assert.equal(decision.remaining, expected, `${what}, key "${label}": remaining ${decision.remaining}, expected ${expected}`);
    }
  }

  test(
    'key shapes: the limiter refuses an empty key with a typed error before the store sees it',
    async () => {
      const { limiter, errors } = probe();
      const refused = await limiter.consume('', { nowMs: T0 }).then(
        () => undefined,
        (error: unknown) => error,
      );
      assert.ok(refused !== undefined, 'an empty key was accepted');
      assert.equal((refused as { code?: string }).code, ErrorCodes.INVALID_OPTION);
      assert.equal((refused as { option?: string }).option, 'key');
      assert.equal(errors.length, 0, 'the empty key reached the store');
    },
    timeoutMs,
  );

  test(
    'key shapes: NUL, lone surrogates, emoji, braces, `%`, colons, 10 KB and long keys are distinct, working keys',
    async () => {
      const p = probe();
      await assertRemaining(p, LIMIT - 1, KEY_SHAPES, 'consume', 'first charge');
      await assertRemaining(p, LIMIT - 1, KEY_SHAPES, 'peek', 'peek after every key was charged once');
    },
    timeoutMs,
  );

  test(
    'key shapes: reset forgets exactly the key it is given, for every shape',
    async () => {
      const p = probe();
      await assertRemaining(p, LIMIT - 1, KEY_SHAPES, 'consume', 'first charge');
      const reset = KEY_SHAPES.filter((_, index) => index % 2 === 0);
      const kept = KEY_SHAPES.filter((_, index) => index % 2 === 1);
      for (const [, key] of reset) await p.limiter.reset(key);
      await assertRemaining(p, LIMIT, reset, 'peek', 'peek after reset');
      await assertRemaining(p, LIMIT - 1, kept, 'peek', 'peek of a key whose neighbour was reset');
      // The other way round too, so every key has been reset once.
      for (const [, key] of kept) await p.limiter.reset(key);
      await assertRemaining(p, LIMIT, KEY_SHAPES, 'peek', 'peek after resetting every key');
    },
    timeoutMs,
  );
}
