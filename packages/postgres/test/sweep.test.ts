import { baseKey, fixedWindow, slidingLog, tokenBucket, type Policy } from '@sluice/core';
import { PostgresStore } from '../src';
import { useMigratedStore } from './harness/migrated-store';

const t = useMigratedStore(6, { sweepBatch: 7 });

async function keys(): Promise<string[]> {
  const result = await t.pool.query(`SELECT key FROM ${t.store.names.qualifiedTable} ORDER BY key`);
  return result.rows.map((row: { key: string }) => row.key);
}

async function clear(): Promise<void> {
  await t.pool.query(`TRUNCATE ${t.store.names.qualifiedTable}`);
}

const short: Policy = fixedWindow({ limit: 5, window: 1000 });
const long: Policy = slidingLog({ limit: 5, window: '1h' });

test('sweep() deletes exactly the expired rows, in batches, and they read as no state afterwards', async () => {
  await clear();
  // Expiry is rounded up to a whole minute: this window ends exactly on one (1,020 s).
  const at = 1_019_000;
  for (let i = 0; i < 30; i++) await t.store.consume({ key: baseKey('sweep', `s${i}`), policies: [short], cost: 1, mode: 'consume', nowMs: at });
  for (let i = 0; i < 3; i++) await t.store.consume({ key: baseKey('sweep', `l${i}`), policies: [long], cost: 1, mode: 'consume', nowMs: at });
  // The fixed window expires exactly one window after its start.
  expect(await t.store.sweep({ nowMs: at + 999 })).toBe(0);
  expect(await t.store.sweep({ nowMs: at + 1000, maxBatches: 2 })).toBe(14);
  expect(await t.store.sweep({ nowMs: at + 1000 })).toBe(16);
  expect(await keys()).toEqual([0, 1, 2].map((i) => `sweep:{l${i}}:${long.id}`));
  const [fresh] = await t.store.consume({ key: baseKey('sweep', 's0'), policies: [short], cost: 1, mode: 'consume', nowMs: at + 1000 });
  expect(fresh!.remaining).toBe(4);
});

test('sweep skips rows a decision holds locked instead of waiting for them', async () => {
  await clear();
  const key = baseKey('locked', 'a');
  await t.store.consume({ key, policies: [short], cost: 1, mode: 'consume', nowMs: 0 });
  const holder = await t.pool.connect();
  try {
    await holder.query('BEGIN');
    await holder.query(`SELECT 1 FROM ${t.store.names.qualifiedTable} WHERE key = $1 FOR UPDATE`, [`${key}:${short.id}`]);
    expect(await t.store.sweep({ nowMs: 60_000 })).toBe(0);
    await holder.query('ROLLBACK');
  } finally {
    holder.release();
  }
  expect(await t.store.sweep({ nowMs: 60_000 })).toBe(1);
});

test('the sweep function works on its own, as pg_cron would call it', async () => {
  await clear();
  await t.store.consume({ key: baseKey('cron', 'a'), policies: [tokenBucket({ capacity: 2, refillPerSecond: 1 })], cost: 1, mode: 'consume', nowMs: 0 });
  const result = await t.pool.query(`SELECT ${t.store.names.qualifiedSweep}(500) AS deleted`);
  expect(result.rows[0].deleted).toBe(1);
});

test('the background timer sweeps expired rows on the database clock', async () => {
  await clear();
  const errors: unknown[] = [];
  const swept = new PostgresStore({ pool: t.pool, schema: t.db.schema, sweepIntervalMs: 20, onError: (e) => errors.push(e) });
  try {
    // A state from 1970 is long expired by the database's clock.
    await swept.consume({ key: baseKey('timer', 'a'), policies: [short], cost: 1, mode: 'consume', nowMs: 5 });
    expect(await keys()).toHaveLength(1);
    while ((await keys()).length > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(errors).toEqual([]);
  } finally {
    await swept.close();
  }
});

test('expires_at is the state expiry rounded up to a whole minute (late, never early)', async () => {
  await clear();
  const policy = tokenBucket({ capacity: 5, refillPerSecond: 3 });
  await t.store.consume({ key: baseKey('round', 'a'), policies: [policy], cost: 2, mode: 'consume', nowMs: 1_000.5 });
  // Two policies go through the decision function, which rounds the same way.
  const two = [policy, fixedWindow({ limit: 5, window: 61_000 })];
  await t.store.consume({ key: baseKey('round', 'b'), policies: two, cost: 1, mode: 'consume', nowMs: 1_000 });
  const { rows } = await t.pool.query(`SELECT time_us::text AS state, expires_at::text AS expires FROM ${t.store.names.qualifiedTable} ORDER BY key`);
  // tat = now + 2 × 333,334 us = 1,000,500 + 666,668 = 1,667,168 us; the window ends at 62 s.
  expect(rows).toEqual([
    { state: '1667168', expires: '60000000' },
    { state: '1000000', expires: '120000000' },
    { state: '1333334', expires: '60000000' },
  ]);
  expect(await t.store.sweep({ nowMs: 59_999.999 })).toBe(0);
  expect(await t.store.sweep({ nowMs: 60_000 })).toBe(2);
  expect(await t.store.sweep({ nowMs: 120_000 })).toBe(1);
});
