import pg from 'pg';

/**
 * A pg Pool that counts every query its clients actually send (pool.query goes through
 * client.query too), so tests can check one round trip per decision.
 */
export interface CountingPool {
  pool: pg.Pool;
  queries(): number;
}

export function countingPool(config: pg.PoolConfig): CountingPool {
  const pool = new pg.Pool(config);
  let count = 0;
  pool.on('connect', (client) => {
    const query = client.query;
    client.query = function countedQuery(this: pg.PoolClient, ...args: unknown[]) {
      count++;
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof client.query;
  });
  return { pool, queries: () => count };
}
