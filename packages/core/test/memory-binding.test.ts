import { ReferenceStore } from '@sluice/conformance';
import fc from 'fast-check';
import {
  baseKey,
  createLimiter,
  fixedWindow,
  FiguresDecision,
  leakyBucket,
  MemoryStore,
  slidingLog,
  slidingWindow,
  tokenBucket,
  type Mode,
  type Policy,
  type PolicyResult,
  type StoreRequest,
} from '@sluice/core';

// The limiter's fast path on MemoryStore (Store.bind: tables resolved once, typed-array columns,
// one decision object) against core's reference model (the pure algorithms over a Map), and
// against the same store's generic `consume`, with which it shares state. ReferenceStore has
// no `bind`, so its limiter takes the generic path.

const T0 = 1_700_006_400_000;


const POLICY_SETS: Record<string, readonly Policy[]> = {
  'fixed-window': [fixedWindow({ limit: 4, window: 1000 })],
  'sliding-window': [slidingWindow({ limit: 4, window: 1000 })],
  'sliding-log': [slidingLog({ limit: 4, window: 1000 })],
  'token-bucket': [tokenBucket({ capacity: 4, refillPerSecond: 3 })],
  'leaky-bucket': [leakyBucket({ capacity: 4, leakPerSecond: 3 })],
  'three policies': [
    tokenBucket({ capacity: 3, refillPerSecond: 3, name: 'burst' }),
    slidingWindow({ limit: 5, window: 2000, name: 'sw' }),
    fixedWindow({ limit: 6, window: 1500, name: 'fw' }),
  ],
};

// Keys the fast path holds as given (braces, NUL, lone surrogates, `%` inside) and keys it
// encodes (a leading `%`, longer than 200), including spellings of encoded forms.
const KEYS = ['a', 'b', 'a%', '{a}', '%7Ba%7D', 'x\0y', '\uD800', '%', '%25', '%sha256:x', 'é'.repeat(201), 'é'.repeat(200) + 'x', 'y'.repeat(300)];

const operation = fc.record({
  key: fc.integer({ min: 0, max: KEYS.length - 1 }),
  advanceMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1200 }), fc.double({ min: 0, max: 400, noNaN: true }), fc.constantFrom(333, 334, 1000)),
  cost: fc.integer({ min: 1, max: 5 }),
  mode: fc.constantFrom<Mode>('consume', 'consume', 'consume', 'peek', 'refund'),
  reset: fc.boolean().map((b) => b && Math.random() < 0.1),
});

describe('MemoryStore bound to a limiter (the fast path)', () => {
  test.each(Object.keys(POLICY_SETS))('%s: every decision equals the reference model, keys that need encoding included', (name) => {
    const policies = POLICY_SETS[name]!;
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 60 }), (ops) => {
        const store = new MemoryStore();
        const fast = createLimiter({ store, policies, prefix: 'p' });
        const model = createLimiter({ store: new ReferenceStore(), policies, prefix: 'p' });
        let nowMs = T0 + 0.5;
        for (const op of ops) {
          nowMs += op.advanceMs;
          const key = KEYS[op.key]!;
          const got = fast.decide(key, op.cost, op.mode, nowMs);
          const want = model.decide(key, op.cost, op.mode, nowMs);
          expect(got).toBeInstanceOf(FiguresDecision);
          expect(JSON.parse(JSON.stringify(got))).toEqual(JSON.parse(JSON.stringify(want)));
          expect((got as FiguresDecision).results).toEqual((want as FiguresDecision).results);
        }
        store.close();
      }),
      { numRuns: 150 },
    );
  });

  test('shares state with the generic consume: the same (prefix, client key, policy) is one state', () => {
    const policies = POLICY_SETS['three policies']!;
    const store = new MemoryStore();
    const limiter = createLimiter({ store, policies, prefix: 'p' });
    for (const key of KEYS) {
      expect(limiter.decide(key, 2, 'consume', T0)).toMatchObject({ allowed: true });
      const seen = store.consume({ key: baseKey('p', key), policies, cost: 1, mode: 'peek', nowMs: T0 });
      expect(seen.map((r) => r.remaining)).toEqual([1, 3, 4]);
      store.consume({ key: baseKey('p', key), policies, cost: 1, mode: 'consume', nowMs: T0 });
      expect(limiter.decide(key, 1, 'peek', T0)).toMatchObject({ remaining: 0 });
    }
    // Another prefix is another namespace.
    const other = createLimiter({ store, policies, prefix: 'q' });
    expect(other.decide(KEYS[0]!, 1, 'peek', T0)).toMatchObject({ remaining: 3 });
    store.close();
  });

  test('consume called directly with encoded forms encodeClientKey never makes: each its own state', () => {
    const policies = POLICY_SETS['fixed-window']!;
    const store = new MemoryStore();
    const keys = ['p:{%zz}', 'p:{%25zz}', 'p:{%u0041}', 'p:{A}', 'p:{' + 'z'.repeat(300) + '}', 'p:{%7b}', 'p:{%7B}'];
    for (const key of keys) store.consume({ key, policies, cost: 1, mode: 'consume', nowMs: T0 });
    expect(store.size).toBe(keys.length);
    for (const key of keys) expect(store.consume({ key, policies, cost: 1, mode: 'peek', nowMs: T0 })[0]!.remaining).toBe(3);
    store.close();
  });

  test('several policies at a bound below their count: a state evicted mid-commit is written anew, never into a freed slot', () => {
    const store = new MemoryStore({ maxKeys: 1 });
    const policies = [fixedWindow({ limit: 5, window: '1m', name: 'one' }), fixedWindow({ limit: 6, window: '1m', name: 'two' })];
    const limiter = createLimiter({ store, policies, prefix: 'p' });
    limiter.decide('a', 1, 'consume', T0);
    // Now only 'two' holds 'a'; committing 'one' evicts it, so 'two' must look its slot up again.
    limiter.decide('a', 1, 'consume', T0);
    expect(store.size).toBe(1);
    expect((limiter.decide('a', 1, 'peek', T0) as FiguresDecision).results.map((r) => r.remaining)).toEqual([5, 4]);
    store.close();
  });

  test('consume called directly with no policies answers no results and stores nothing', () => {
    const store = new MemoryStore();
    expect(store.consume({ key: baseKey('p', 'k'), policies: [], cost: 1, mode: 'consume', nowMs: T0 })).toEqual([]);
    expect(store.size).toBe(0);
    store.close();
  });

  test('limiter.reset forgets exactly its key, through the binding', async () => {
    const store = new MemoryStore();
    const limiter = createLimiter({ store, policies: POLICY_SETS['fixed-window']!, prefix: 'p' });
    for (const key of KEYS) limiter.decide(key, 1, 'consume', T0);
    expect(store.size).toBe(KEYS.length);
    await limiter.reset('{a}');
    expect(store.size).toBe(KEYS.length - 1);
    expect(limiter.decide('{a}', 1, 'peek', T0)).toMatchObject({ remaining: 4 });
    expect(limiter.decide('%7Ba%7D', 1, 'peek', T0)).toMatchObject({ remaining: 3 });
    expect(limiter.decide('a', 1, 'peek', T0)).toMatchObject({ remaining: 3 });
    store.close();
  });

  test('the decision keeps its shape: results on read, in JSON, decidedBy', () => {
    const store = new MemoryStore();
    const limiter = createLimiter({ store, policies: POLICY_SETS['three policies']!, prefix: 'p' });
    const decision = limiter.decide('k', 1, 'consume', T0) as FiguresDecision;
    expect(decision.decidedBy).toBe('store');
    expect('degraded' in decision).toBe(false);
    expect(decision.results.map((r) => r.policy)).toEqual(['burst', 'sw', 'fw']);
    expect(decision.results).toBe(decision.results);
    const json = JSON.parse(JSON.stringify(decision));
    expect(Object.keys(json).sort()).toEqual(
      ['allowed', 'decidedBy', 'delayMs', 'limit', 'policy', 'remaining', 'resetAfterMs', 'results', 'retryAfterMs'].sort(),
    );
    expect(json.results).toHaveLength(3);
    store.close();
  });

  test('a subclass overriding consume is not bypassed: the limiter calls its consume', () => {
    class Counting extends MemoryStore {
      calls = 0;
      override consume(request: StoreRequest): PolicyResult[] {
        this.calls++;
        return super.consume(request);
      }
    }
    const store = new Counting();
    const limiter = createLimiter({ store, policies: POLICY_SETS['fixed-window']!, prefix: 'p' });
    limiter.decide('k', 1, 'consume', T0);
    expect(store.calls).toBe(1);
    store.close();
  });

  test('a closed store: the failure policy decides, as on the generic path', () => {
    const store = new MemoryStore();
    const errors: unknown[] = [];
    const limiter = createLimiter({ store, policies: POLICY_SETS['fixed-window']!, onError: (e) => errors.push(e), onWarning: () => {} });
    store.close();
    expect(limiter.decide('k', 1, 'consume', T0)).toMatchObject({ allowed: true, decidedBy: 'failure-policy', degraded: 'store-error' });
    expect(errors).toEqual([expect.objectContaining({ code: 'ERR_SLUICE_STORE_CLOSED' })]);
  });

  test('maxKeys holds across the tables of several limiters: expired states go first, then the oldest of the table that grows', () => {
    const store = new MemoryStore({ maxKeys: 10 });
    const a = createLimiter({ store, policies: POLICY_SETS['fixed-window']!, prefix: 'a' });
    const b = createLimiter({ store, policies: [tokenBucket({ capacity: 4, refillPerSecond: 0.01 })], prefix: 'b' });
    for (let i = 0; i < 5; i++) a.decide(`k${i}`, 1, 'consume', T0);
    for (let i = 0; i < 5; i++) b.decide(`k${i}`, 1, 'consume', T0 + 500);
    expect(store.size).toBe(10);
    // At T0 + 1500 every fixed-window state has expired: they go, not the live buckets.
    for (let i = 5; i < 9; i++) b.decide(`k${i}`, 1, 'consume', T0 + 1500);
    expect(store.size).toBe(9);
    expect(a.decide('k0', 1, 'peek', T0 + 1500)).toMatchObject({ remaining: 4 });
    expect(b.decide('k0', 1, 'peek', T0 + 1500)).toMatchObject({ remaining: 3 });
    // Nothing expired now: each new state evicts the oldest one of its own table.
    for (let i = 9; i < 12; i++) b.decide(`k${i}`, 1, 'consume', T0 + 1500);
    expect(store.size).toBe(10);
    expect(b.decide('k0', 1, 'peek', T0 + 1500)).toMatchObject({ remaining: 4 });
    expect(b.decide('k1', 1, 'peek', T0 + 1500)).toMatchObject({ remaining: 4 });
    expect(b.decide('k2', 1, 'peek', T0 + 1500)).toMatchObject({ remaining: 3 });
    store.close();
  });
});
