'use strict';
// A worker process for the cross-process test: its own pg Pool and PostgresStore from the
// built dist, firing the calls it is told to, all at once, and reporting what it saw.
const { baseKey, fixedWindow, slidingWindow, slidingLog, tokenBucket, leakyBucket } = require('@sluice/core');
const { PostgresStore } = require('@sluice/postgres');
const pg = require('pg');

const { DATABASE, SCHEMA, CONNECTIONS } = process.env;
const POLICIES = {
  'fixed-window': () => fixedWindow({ limit: 100, window: '1h' }),
  'sliding-window': () => slidingWindow({ limit: 100, window: '1h' }),
  'sliding-log': () => slidingLog({ limit: 100, window: '1h' }),
  'token-bucket': () => tokenBucket({ capacity: 100, refillPerSecond: 2 }),
  'leaky-bucket': () => leakyBucket({ capacity: 100, leakPerSecond: 2 }),
};

const pool = new pg.Pool({ connectionString: DATABASE, max: Number(CONNECTIONS) });
let queries = 0;
pool.on('connect', (client) => {
  const query = client.query;
  client.query = function countedQuery(...args) {
    queries++;
    return query.apply(this, args);
  };
});
const store = new PostgresStore({ pool, schema: SCHEMA, sweepIntervalMs: false });

async function warmUp() {
  // Open every connection before the race starts, then forget those queries.
  const clients = await Promise.all(Array.from({ length: Number(CONNECTIONS) }, () => pool.connect()));
  for (const client of clients) client.release();
  queries = 0;
}

async function run({ algorithm, namespace, calls }) {
  const policies = [POLICIES[algorithm]()];
  const key = baseKey(namespace, 'shared');
  const before = queries;
  const outcomes = await Promise.all(
    Array.from({ length: calls }, () =>
      store.consume({ key, policies, cost: 1, mode: 'consume' }).then(
        (results) => (results[0].allowed ? 'admitted' : 'denied'),
        (error) => `error: ${error.message}`,
      ),
    ),
  );
  return {
    admitted: outcomes.filter((o) => o === 'admitted').length,
    denied: outcomes.filter((o) => o === 'denied').length,
    errors: outcomes.filter((o) => o.startsWith('error')),
    queries: queries - before,
  };
}

process.on('message', async (message) => {
  if (message.type === 'warm-up') {
    await warmUp();
    process.send({ type: 'ready' });
  } else if (message.type === 'run') {
    process.send({ type: 'done', ...(await run(message)) });
  } else if (message.type === 'stop') {
    await store.close();
    await pool.end();
    process.disconnect();
  }
});
