import { createLimiter, fixedWindow, type Decision, type Limiter, type SluiceWarning, type StoreError } from '@sluice/core';
import { PostgresStore } from '../src';
import { freePort } from './harness/processes';
import { startPostgres, superuserName, type PostgresServer } from './harness/postgres-server';

// An app that boots while its database is unreachable serves by its failure policy, then
// limits correctly once the database comes up, with no restart: autoMigrate keeps retrying
// in the background. The server is started on the port the store was already trying.

let server: PostgresServer | undefined;
afterAll(async () => {
  await server?.stop();
});

/** Asks until the store itself answers; a bound on the wait, not a timing assertion. */
async function untilStoreDecides(limiter: Limiter, key: string): Promise<Decision> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const decision = await limiter.peek(key);
    if (decision.decidedBy === 'store') return decision;
    if (Date.now() > deadline) throw new Error(`the store never answered: last decision ${JSON.stringify(decision)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('autoMigrate: degraded decisions while the database is down, exact limits once it is up, same store, no restart', async () => {
  const port = await freePort();
  const reported: StoreError[] = [];
  const store = new PostgresStore({
    connectionString: `postgres://${encodeURIComponent(superuserName())}@127.0.0.1:${port}/postgres`,
    autoMigrate: true,
    onError: (error) => reported.push(error),
  });
  const warnings: SluiceWarning[] = [];
  const limiter = createLimiter({
    store,
    policies: [fixedWindow({ limit: 3, window: '1h' })],
    onStoreError: 'deny',
    timeoutMs: 5_000,
    onWarning: (warning) => warnings.push(warning),
  });
  try {
    // Down: the first decision waits for the first attempt only; every decision is the failure policy's.
    for (let i = 0; i < 3; i++) {
      expect(await limiter.consume('client')).toMatchObject({ allowed: false, decidedBy: 'failure-policy', degraded: 'store-error' });
    }
    expect(reported.length).toBeGreaterThan(0);
    expect(reported[0]).toMatchObject({ configuration: false, cause: { code: 'ECONNREFUSED' } });

    server = await startPostgres({ port });
    await untilStoreDecides(limiter, 'client');
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.consume('client'));
    expect(decisions.map((d) => [d.allowed, d.decidedBy])).toEqual([
      [true, 'store'],
      [true, 'store'],
      [true, 'store'],
      [false, 'store'],
    ]);
  } finally {
    await store.close();
  }
});

test('an onError hook that throws (here, on the failed migration attempt) becomes a process warning, not a crash', async () => {
  const port = await freePort();
  const emitted: unknown[] = [];
  const spy = jest.spyOn(process, 'emitWarning').mockImplementation((warning) => void emitted.push(warning));
  const store = new PostgresStore({
    connectionString: `postgres://${encodeURIComponent(superuserName())}@127.0.0.1:${port}/postgres`,
    autoMigrate: true,
    sweepIntervalMs: false,
    onError: () => {
      throw new Error('hook bug');
    },
  });
  try {
    // The first attempt fails at once (nothing listens on the port), and its report throws.
    await expect(store.consume({ key: 'hook:{a}', policies: [fixedWindow({ limit: 1, window: '1m' })], cost: 1, mode: 'consume' })).rejects.toThrow(
      /not migrated yet/,
    );
    expect(emitted).toEqual([expect.objectContaining({ message: 'hook bug' })]);
  } finally {
    spy.mockRestore();
    await store.close();
  }
});
