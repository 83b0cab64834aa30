import { StoreError } from '@sluice/core';
import { AutoMigration, FIRST_RETRY_MS, MAX_RETRY_MS } from '../src/auto-migration';

// The retry schedule on jest's fake clock (no database: the migration is a function here;
// boot-without-database.test.ts runs the real one against a server that comes up late).

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

function failing(times: number[], message = 'connect ECONNREFUSED'): () => Promise<unknown> {
  return async () => {
    times.push(Date.now());
    throw new StoreError(message);
  };
}

test('retries after 250 ms, doubling up to 5 s, one timer at a time, and reports a repeated failure once', async () => {
  const times: number[] = [];
  const reported: StoreError[] = [];
  const migration = new AutoMigration(failing(times), (error) => reported.push(error));
  await jest.advanceTimersByTimeAsync(40_000);
  const gaps = times.slice(1).map((time, i) => time - times[i]!);
  expect(gaps.slice(0, 8)).toEqual([250, 500, 1_000, 2_000, 4_000, 5_000, 5_000, 5_000]);
  expect(Math.max(...gaps)).toBe(MAX_RETRY_MS);
  expect(FIRST_RETRY_MS).toBe(250);
  expect(jest.getTimerCount()).toBe(1);
  expect(reported).toHaveLength(1);
  await migration.stop();
  expect(jest.getTimerCount()).toBe(0);
});

test('ready() waits for the first attempt, then fails fast with the cause until a retry succeeds', async () => {
  let up = false;
  let attempts = 0;
  const migration = new AutoMigration(async () => {
    attempts++;
    if (!up) throw new StoreError('password authentication failed', { configuration: true });
  }, () => undefined);
  const first = migration.ready();
  await expect(first).rejects.toMatchObject({ configuration: true, message: expect.stringContaining('password authentication failed') });
  await expect(migration.ready()).rejects.toThrow(/not migrated yet/);
  expect(attempts).toBe(1);
  up = true;
  await jest.advanceTimersByTimeAsync(FIRST_RETRY_MS);
  await expect(migration.ready()).resolves.toBeUndefined();
  expect(migration.succeeded).toBe(true);
  expect(jest.getTimerCount()).toBe(0);
});

test('stop() cancels the next retry', async () => {
  const times: number[] = [];
  const migration = new AutoMigration(failing(times), () => undefined);
  await jest.advanceTimersByTimeAsync(0);
  await migration.stop();
  await jest.advanceTimersByTimeAsync(60_000);
  expect(times).toHaveLength(1);
});
