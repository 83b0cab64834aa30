import { baseKey, fixedWindow, leakyBucket, slidingWindow, tokenBucket, type Policy } from '@sluice/core';
import { useMigratedStore } from './harness/migrated-store';

// The single-policy consume (fixed window, token and leaky bucket) is one plain upsert: it
// never calls the decision function, never leaves a row for a request that wrote nothing,
// and a denial leaves the stored state exactly as it was (only `decided_us`, the statement's
// record of its own decision, changes).

const t = useMigratedStore(10);

const UPSERT_POLICIES: Policy[] = [
  fixedWindow({ limit: 3, window: '1h' }),
  tokenBucket({ capacity: 3, refillPerSecond: 0.001 }),
  leakyBucket({ capacity: 3, leakPerSecond: 0.001 }),
];

async function stateRow(key: string): Promise<Record<string, unknown> | undefined> {
  const result = await t.pool.query(`SELECT time_us, units, previous_units, stamps, expires_at FROM ${t.store.names.qualifiedTable} WHERE key = $1`, [key]);
  return result.rows[0] as Record<string, unknown> | undefined;
}

test('a single-policy consume does not call the decision function; two policies do', async () => {
  const decide = t.store.names.qualifiedDecide;
  const away = `${t.store.names.quotedSchema}."decide_away"`;
  await t.pool.query(`ALTER FUNCTION ${decide} RENAME TO "decide_away"`);
  try {
    for (const policy of UPSERT_POLICIES) {
      const [result] = await t.store.consume({ key: baseKey('nofn', policy.algorithm), policies: [policy], cost: 1, mode: 'consume' });
      expect([policy.algorithm, result!.allowed, result!.remaining]).toEqual([policy.algorithm, true, 2]);
    }
    const two = t.store.consume({ key: baseKey('nofn', 'two'), policies: UPSERT_POLICIES.slice(0, 2), cost: 1, mode: 'consume' });
    await expect(two).rejects.toMatchObject({ cause: { code: '42883' } });
  } finally {
    await t.pool.query(`ALTER FUNCTION ${away} RENAME TO ${JSON.stringify(t.store.names.table + '_decide')}`);
  }
});

test.each(UPSERT_POLICIES.map((policy) => [policy.algorithm, policy] as const))(
  '%s: a denial leaves the row exactly as it was, and the figures match the admitted state',
  async (_, policy) => {
    const key = baseKey('deny', policy.algorithm);
    const stateKey = key + ':' + policy.id;
    const request = { key, policies: [policy], cost: 1, mode: 'consume' as const, nowMs: 1_000_000 };
    for (let i = 0; i < 3; i++) expect((await t.store.consume(request))[0]!.allowed).toBe(true);
    const before = await stateRow(stateKey);
    expect(before).toBeDefined();
    const [denied] = await t.store.consume({ ...request, nowMs: 1_000_001 });
    expect(denied).toMatchObject({ allowed: false, remaining: 0 });
    expect(denied!.retryAfterMs).toBeGreaterThan(0);
    expect(await stateRow(stateKey)).toEqual(before);
    const [peeked] = await t.store.consume({ ...request, mode: 'peek', nowMs: 1_000_001 });
    expect(peeked).toEqual(denied);
  },
);

test.each(UPSERT_POLICIES.map((policy) => [policy.algorithm, policy] as const))(
  '%s: a cost above the limit on a new key is denied for good and leaves no row',
  async (_, policy) => {
    const key = baseKey('toolarge', policy.algorithm);
    const [result] = await t.store.consume({ key, policies: [policy], cost: 4, mode: 'consume' });
    expect(result).toMatchObject({ allowed: false, retryAfterMs: Infinity, remaining: 3 });
    expect(await stateRow(key + ':' + policy.id)).toBeUndefined();
  },
);

test('expiry is rounded up to a whole minute, so a busy key updates without touching the index (HOT)', async () => {
  const policy = fixedWindow({ limit: 1_000, window: 1_500 });
  const key = baseKey('expiry', 'a');
  await t.store.consume({ key, policies: [policy], cost: 1, mode: 'consume', nowMs: 10_000.25 });
  const first = await stateRow(key + ':' + policy.id);
  expect(first).toMatchObject({ time_us: '10000250', units: '1', expires_at: '60000000' });
  await t.store.consume({ key, policies: [policy], cost: 1, mode: 'consume', nowMs: 10_900 });
  expect(await stateRow(key + ':' + policy.id)).toEqual({ ...first, units: '2' });
  // A new window later in the same minute keeps the expiry too; the next minute moves it.
  await t.store.consume({ key, policies: [policy], cost: 1, mode: 'consume', nowMs: 58_000 });
  expect(await stateRow(key + ':' + policy.id)).toEqual({ ...first, time_us: '58000000', units: '1' });
  await t.store.consume({ key, policies: [policy], cost: 1, mode: 'consume', nowMs: 59_600 });
  expect(await stateRow(key + ':' + policy.id)).toMatchObject({ time_us: '59600000', units: '1', expires_at: '120000000' });
});

test('a token bucket keeps its expiry while its tat stays within the minute', async () => {
  const policy = tokenBucket({ capacity: 10, refillPerSecond: 1 });
  const key = baseKey('expiry', 'tb');
  const expiries = [];
  for (const nowMs of [1_000, 20_000, 55_000, 59_500]) {
    await t.store.consume({ key, policies: [policy], cost: 1, mode: 'consume', nowMs });
    expiries.push((await stateRow(key + ':' + policy.id))!.expires_at);
  }
  // tat = now + 1 s each time: 2 s, 21 s, 56 s, then 60.5 s (past the minute).
  expect(expiries).toEqual(['60000000', '60000000', '60000000', '120000000']);
});

test('the other algorithms keep the decision function (sliding window still decides)', async () => {
  const policy = slidingWindow({ limit: 2, window: '1h' });
  const key = baseKey('fnpath', 'a');
  const outcomes = [];
  for (let i = 0; i < 3; i++) outcomes.push((await t.store.consume({ key, policies: [policy], cost: 1, mode: 'consume', nowMs: 5_000 }))[0]!.allowed);
  expect(outcomes).toEqual([true, true, false]);
});
