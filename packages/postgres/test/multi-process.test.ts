import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ALGORITHMS, type Algorithm } from '@sluice/core';
import pg from 'pg';
import { PostgresStore } from '../src';
import { testDatabase, type TestDatabase } from './harness/database';

// 4 processes, each with its own pool and store from the built dist, fire 1,000 concurrent
// consumes on one key: the limit holds exactly across processes, one statement per decision.

const WORKERS = 4;
const CALLS_PER_WORKER = 250;
const LIMIT = 100;
const BUCKET_RATE_PER_SECOND = 2;
const DIST = [join(__dirname, '..', 'dist', 'cjs', 'index.js'), join(__dirname, '..', '..', 'core', 'dist', 'cjs', 'index.js')];

interface Report {
  admitted: number;
  denied: number;
  errors: string[];
  queries: number;
}

let db: TestDatabase;
let pool: pg.Pool;
let workers: ChildProcess[] = [];
let statStatements = false;

function next<T>(worker: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return;
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      resolve(message as T);
    };
    const onExit = (code: number | null) => reject(new Error(`worker exited (${code}) while waiting for "${type}"`));
    worker.on('message', onMessage);
    worker.once('exit', onExit);
  });
}

beforeAll(async () => {
  const missing = DIST.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(
      `The cross-process test loads the built packages, and ${missing.join(', ')} is missing. ` +
        'Run `npm run build -w packages/core && npm run build -w packages/postgres` (`npm test` builds first via pretest).',
    );
  }
  db = await testDatabase();
  pool = new pg.Pool({ connectionString: db.connectionString, max: 2 });
  await new PostgresStore({ pool, schema: db.schema, sweepIntervalMs: false }).migrate();
  // Server-side counting resets pg_stat_statements, so only on the server this harness
  // started (loaded with the module); on an external DATABASE_URL the client-side counts apply.
  if (!process.env.DATABASE_URL) {
    await pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    statStatements = true;
  }
  workers = Array.from({ length: WORKERS }, () =>
    fork(join(__dirname, 'harness', 'decision-worker.cjs'), [], {
      env: { ...process.env, DATABASE: db.connectionString, SCHEMA: db.schema, CONNECTIONS: '10' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  await Promise.all(workers.map((worker) => {
    const ready = next(worker, 'ready');
    worker.send({ type: 'warm-up' });
    return ready;
  }));
}, 60_000);

afterAll(async () => {
  await Promise.all(
    workers.map(async (worker) => {
      if (worker.exitCode !== null) return;
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.send({ type: 'stop' });
      const timer = setTimeout(() => worker.pid !== undefined && process.kill(worker.pid, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }),
  );
  await pool?.end();
  await db?.stop();
});

/** Top-level statements the server ran since the last reset, except this test's own bookkeeping. */
async function serverStatements(): Promise<{ query: string; calls: number }[]> {
  const result = await pool.query(
    `SELECT query, calls::int AS calls FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND query NOT LIKE '%pg_stat_statements%'`,
  );
  return result.rows;
}

async function race(algorithm: Algorithm): Promise<{ total: Report; elapsedMs: number }> {
  if (statStatements) await pool.query('SELECT pg_stat_statements_reset()');
  const namespace = `race-${algorithm}-${Date.now()}`;
  const started = Date.now();
  const reports = await Promise.all(
    workers.map((worker) => {
      const done = next<Report>(worker, 'done');
      worker.send({ type: 'run', algorithm, namespace, calls: CALLS_PER_WORKER });
      return done;
    }),
  );
  const elapsedMs = Date.now() - started;
  const total = reports.reduce<Report>(
    (sum, r) => ({ admitted: sum.admitted + r.admitted, denied: sum.denied + r.denied, errors: [...sum.errors, ...r.errors], queries: sum.queries + r.queries }),
    { admitted: 0, denied: 0, errors: [], queries: 0 },
  );
  return { total, elapsedMs };
}

describe.each(ALGORITHMS.map((algorithm) => [algorithm]))('%s across 4 processes', (algorithm) => {
  test(`1,000 concurrent consumes on one key: the limit holds, one statement per decision`, async () => {
    const { total, elapsedMs } = await race(algorithm);
    expect(total.errors).toEqual([]);
    expect(total.admitted + total.denied).toBe(WORKERS * CALLS_PER_WORKER);
    if (algorithm === 'token-bucket' || algorithm === 'leaky-bucket') {
      // The bucket refills (drains) while the race runs: at most rate × elapsed more.
      expect(total.admitted).toBeGreaterThanOrEqual(LIMIT);
      expect(total.admitted).toBeLessThanOrEqual(LIMIT + Math.ceil((BUCKET_RATE_PER_SECOND * elapsedMs) / 1000));
    } else {
      expect(total.admitted).toBe(LIMIT);
    }
    // Client side: each worker's pool sent exactly one query per decision.
    expect(total.queries).toBe(WORKERS * CALLS_PER_WORKER);
    if (statStatements) {
      // Server side: exactly 1,000 top-level statements, all of them one kind: the single upsert
      // for fixed window and the buckets, the decision function for the others.
      const single = algorithm === 'fixed-window' || algorithm === 'token-bucket' || algorithm === 'leaky-bucket';
      const statements = await serverStatements();
      expect(
        statements.map((s) => [s.query.startsWith('INSERT INTO') && s.query.includes('ON CONFLICT (key) DO UPDATE'), s.query.includes('sluice_state_decide"('), s.calls]),
      ).toEqual([[single, !single, WORKERS * CALLS_PER_WORKER]]);
    }
  });
});
