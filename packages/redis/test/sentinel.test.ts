import { baseKey, fixedWindow, StoreError } from '@sluice/core';
import { RedisStore } from '@sluice/redis';
import { Redis } from 'ioredis';
import { startRedisProcess, type RedisProcess } from './harness/redis-process';
import { waitUntil } from './harness/wait';

/** SENTINEL replies are flat [name, value, name, value, ...] lists. */
function fieldsOf(flat: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return fields;
}

// Sentinel-managed failover on real processes: a master, its replica, one Sentinel (quorum 1).
describe('RedisStore through Sentinel, across a failover', () => {
  const NAME = 'sluice';
  const policies = [fixedWindow({ limit: 5, window: '1h' })];
  const key = baseKey('api', 'failover');
  const processes: RedisProcess[] = [];
  const admins: Redis[] = [];
  let client: Redis | undefined;

  afterAll(async () => {
    client?.disconnect();
    for (const admin of admins) admin.disconnect();
    await Promise.all(processes.map((process) => process.stop()));
  });

  function admin(port: number): Redis {
    const connection = new Redis({ host: '127.0.0.1', port });
    admins.push(connection);
    return connection;
  }

  test('the client follows the promoted replica, the script reloads itself, replicated state survives', async () => {
    const master = await startRedisProcess();
    processes.push(master);
    const replica = await startRedisProcess({ extraArgs: async () => ['--replicaof', '127.0.0.1', String(master.port)] });
    processes.push(replica);
    await waitUntil(async () => (await admin(replica.port).info('replication')).includes('master_link_status:up'), 15_000, 'replica never synced');
    const sentinel = await startRedisProcess({
      sentinelConfig: [
        `sentinel monitor ${NAME} 127.0.0.1 ${master.port} 1`,
        `sentinel down-after-milliseconds ${NAME} 2000`,
        `sentinel failover-timeout ${NAME} 10000`,
      ],
    });
    processes.push(sentinel);
    const sentinelAdmin = admin(sentinel.port);
    // Promotable once Sentinel has its own link to the replica and sees it in sync.
    await waitUntil(
      async () => {
        const replicas = (await sentinelAdmin.call('SENTINEL', 'REPLICAS', NAME)) as string[][];
        if (replicas.length !== 1) return false;
        const fields = fieldsOf(replicas[0]!);
        return fields.flags === 'slave' && fields['master-link-status'] === 'ok';
      },
      15_000,
      'Sentinel never saw the replica in sync',
    );

    client = new Redis({ sentinels: [{ host: '127.0.0.1', port: sentinel.port }], name: NAME });
    const store = new RedisStore({ client });
    for (let i = 0; i < 3; i++) await store.consume({ key, policies, cost: 1, mode: 'consume' });
    // Replication is asynchronous: WAIT makes the three charges reach the replica first.
    expect(await client.call('WAIT', '1', '5000')).toBe(1);

    await sentinelAdmin.call('SENTINEL', 'FAILOVER', NAME);
    await waitUntil(
      async () => ((await sentinelAdmin.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', NAME)) as string[])[1] === String(replica.port),
      20_000,
      'Sentinel never promoted the replica',
    );

    // Calls during the switch may fail (as StoreError); the client then reconnects to the new master.
    let results: Awaited<ReturnType<RedisStore['consume']>> | undefined;
    await waitUntil(
      async () => {
        try {
          results = await store.consume({ key, policies, cost: 1, mode: 'consume' });
          return true;
        } catch (error) {
          expect(error).toBeInstanceOf(StoreError);
          return false;
        }
      },
      20_000,
      'no decision after the failover',
    );
    expect(results![0]).toMatchObject({ allowed: true, remaining: 1 });
    expect((await admin(replica.port).info('replication')).includes('role:master')).toBe(true);
  }, 60_000);
});
