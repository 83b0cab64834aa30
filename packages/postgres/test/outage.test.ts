import { baseKey, createLimiter, fixedWindow, StoreError } from '@sluice/core';
import pg from 'pg';
import { PostgresStore } from '../src';
import { startPostgres, type PostgresServer } from './harness/postgres-server';

// This file stops its server, so it always starts its own (even when DATABASE_URL is set).
let server: PostgresServer;

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

const policies = [fixedWindow({ limit: 100, window: '1m' })];

test('a stopped server yields StoreError from the store and a degraded decision from the limiter, never a crash or hang', async () => {
  const reported: StoreError[] = [];
  // Handed pool without an 'error' listener: the store adds one, so idle clients dying with the server cannot crash the process.
  const pool = new pg.Pool({ connectionString: server.connectionString, max: 4, connectionTimeoutMillis: 1_000 });
  const store = new PostgresStore({ pool, sweepIntervalMs: false, onError: (error) => reported.push(error) });
  await store.migrate();
  const limiter = createLimiter({ store, policies, onStoreError: 'deny', timeoutMs: 3_000 });
  try {
    expect((await limiter.consume('a')).allowed).toBe(true);
    await server.stop();

    const failure = store.consume({ key: baseKey('sluice', 'a'), policies, cost: 1, mode: 'consume' });
    await expect(failure).rejects.toBeInstanceOf(StoreError);
    await expect(failure).rejects.toHaveProperty('cause');

    const decision = await limiter.consume('a');
    expect(decision.allowed).toBe(false);
    expect(decision.degraded).toMatch(/^(store-error|timeout)$/);
    expect(decision.decidedBy).toBe('failure-policy');
    // The idle client the first decision left in the pool died with the server: its 'error'
    // event reached onError as a StoreError (a passing outage, not a setup mistake).
    expect(reported.length).toBeGreaterThan(0);
    expect(reported.map((error) => [error instanceof StoreError, error.configuration])).toEqual(reported.map(() => [true, false]));
  } finally {
    await store.close();
    await pool.end();
  }
});

test('an unreachable server is a StoreError (connection refused), and an owned pool closes cleanly', async () => {
  const store = new PostgresStore({ connectionString: 'postgres://nobody@127.0.0.1:1/none', sweepIntervalMs: false });
  const failure = store.consume({ key: baseKey('sluice', 'a'), policies, cost: 1, mode: 'consume' });
  await expect(failure).rejects.toBeInstanceOf(StoreError);
  await expect(failure).rejects.toHaveProperty('cause.code', 'ECONNREFUSED');
  await store.close();
  await expect(store.consume({ key: baseKey('sluice', 'a'), policies, cost: 1, mode: 'consume' })).rejects.toThrow(/closed/);
});
