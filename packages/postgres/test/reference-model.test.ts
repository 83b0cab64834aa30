import {
  decide,
  fixedWindow,
  leakyBucket,
  slidingLog,
  slidingWindow,
  tokenBucket,
  type Mode,
  type Policy,
  type PolicyState,
  type StoreRequest,
} from '@sluice/core';
import { useMigratedStore } from './harness/migrated-store';

// The SQL decision function against core's reference model (`decide` on a Map), on a fake
// clock: mixed policy sets, costs above 1, refunds and peeks, boundaries hit exactly.

const t = useMigratedStore(4);

/** Deterministic PRNG (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const POLICY_SETS: Record<string, Policy[]> = {
  'fixed window': [fixedWindow({ limit: 5, window: 1000 })],
  'sliding window': [slidingWindow({ limit: 7, window: 1000 })],
  'sliding log': [slidingLog({ limit: 6, window: 1000 })],
  'token bucket': [tokenBucket({ capacity: 5, refillPerSecond: 3 })],
  'leaky bucket': [leakyBucket({ capacity: 4, leakPerSecond: 7 })],
  'all five': [
    tokenBucket({ capacity: 6, refillPerSecond: 4 }),
    fixedWindow({ limit: 9, window: 700 }),
    slidingLog({ limit: 8, window: 900 }),
    slidingWindow({ limit: 10, window: 600 }),
    leakyBucket({ capacity: 5, leakPerSecond: 9 }),
  ],
};

for (const [label, policies] of Object.entries(POLICY_SETS)) {
  test(`${label}: same results as the reference model over random sequences`, async () => {
    const next = random(label.length * 7919);
    const states = new Map<string, PolicyState>();
    const table = { get: (k: string) => states.get(k), set: (k: string, s: PolicyState) => states.set(k, s), delete: (k: string) => states.delete(k) };
    const base = `model:{${label}}`;
    let nowMs = 1_700_000_000_000 + Math.floor(next() * 1000);
    const seen = { allowed: 0, denied: 0 };
    for (let step = 0; step < 250; step++) {
      const roll = next();
      // Mostly small steps and exact boundaries, sometimes fractional milliseconds and long gaps.
      if (roll < 0.35) nowMs += 0;
      else if (roll < 0.7) nowMs += Math.floor(next() * 150);
      else if (roll < 0.85) nowMs += Math.round(next() * 1000) / 1000;
      else nowMs += Math.floor(next() * 2500);
      const modeRoll = next();
      const mode: Mode = modeRoll < 0.7 ? 'consume' : modeRoll < 0.85 ? 'peek' : 'refund';
      const costRoll = next();
      const cost = costRoll < 0.7 ? 1 : costRoll < 0.95 ? 1 + Math.floor(next() * 4) : 20;
      const request: StoreRequest = { key: base, policies, cost, mode, nowMs };
      const expected = decide(table, request, Math.round(nowMs * 1000));
      const actual = await t.store.consume(request);
      expect({ step, nowMs, mode, cost, results: actual }).toEqual({ step, nowMs, mode, cost, results: expected });
      if (mode === 'consume') seen[actual.every((r) => r.allowed) ? 'allowed' : 'denied']++;
    }
    // The sequence must exercise both sides of the limit to prove anything.
    expect(seen.allowed).toBeGreaterThan(20);
    expect(seen.denied).toBeGreaterThan(20);
  });
}

test('a denied consume changes nothing and charges no policy', async () => {
  const policies = [fixedWindow({ limit: 10, window: 1000 }), tokenBucket({ capacity: 1, refillPerSecond: 1 })];
  const key = 'model:{deny}';
  const at = 1_000_000;
  expect((await t.store.consume({ key, policies, cost: 1, mode: 'consume', nowMs: at })).map((r) => r.allowed)).toEqual([true, true]);
  const denied = await t.store.consume({ key, policies, cost: 1, mode: 'consume', nowMs: at });
  expect(denied.map((r) => r.allowed)).toEqual([true, false]);
  expect(denied[0]!.remaining).toBe(9);
  const peek = await t.store.consume({ key, policies, cost: 1, mode: 'peek', nowMs: at });
  expect(peek[0]!.remaining).toBe(9);
});
