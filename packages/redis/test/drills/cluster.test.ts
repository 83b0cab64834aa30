import { RedisStore } from '@sluice/redis';
import { Cluster } from 'ioredis';
import { killProcess } from '../harness/outage';
import { rawCommand } from '../harness/redis-command';
import { keySlot, startReplicatedCluster, type ClusterNodeInfo, type ReplicatedCluster } from '../harness/replicated-cluster';
import { waitUntil } from '../harness/wait';
import {
  checkDrill,
  drillSubject,
  DRILL_TIMEOUT_MS,
  FAILURE_KINDS,
  LOOPS,
  probeWatch,
  report,
  runDrill,
  watchProcess,
  type Subject,
} from './drill-kit';

/**
 * Outage drill on a real Redis Cluster with a replica per master (always one of its own): a
 * master is killed (SIGKILL) and its replica takes over. The load's keys all hash to that
 * master's slots, so every call meets the outage (the breaker is per store, not per shard).
 */
describe('Redis Cluster outage drill: a master killed and failed over', () => {
  let cluster: ReplicatedCluster;
  let victim: ClusterNodeInfo;
  let replica: ClusterNodeInfo;
  const keys: string[] = [];
  const clients: Cluster[] = [];
  let subjects: Subject[];
  let watch: ReturnType<typeof watchProcess>;

  beforeAll(async () => {
    cluster = await startReplicatedCluster(3, 1_000);
    const nodes = await cluster.topology();
    victim = nodes.filter((node) => node.role === 'master').sort((a, b) => a.port - b.port)[0]!;
    replica = nodes.find((node) => node.masterId === victim.id)!;
    expect(replica).toBeDefined();
    for (let n = 0; keys.length < LOOPS; n++) {
      const slot = await keySlot(victim.port, `client-${n}`);
      if (victim.slots.some(([from, to]) => slot >= from && slot <= to)) keys.push(`client-${n}`);
    }
    subjects = FAILURE_KINDS.map((kind) => {
      // docs/redis.md's Cluster options (the offline queue off on the Cluster itself).
      const client = new Cluster(
        cluster.processes.map((node) => ({ host: '127.0.0.1', port: node.port })),
        { enableOfflineQueue: false, redisOptions: { maxRetriesPerRequest: 1, commandTimeout: DRILL_TIMEOUT_MS + 100, disconnectTimeout: 50 } },
      );
      client.on('error', () => {});
      clients.push(client);
      return drillSubject(kind, new RedisStore({ client }));
    });
    await Promise.all(clients.map((client) => new Promise((resolve) => client.once('ready', resolve))));
  }, 60_000);

  beforeEach(() => {
    watch = watchProcess();
  });

  afterEach(() => {
    watch.dispose();
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await cluster?.stop();
  }, 30_000);

  test('the unhandled-rejection watch sees a rejection nobody handles', async () => {
    await probeWatch(watch);
  });

  test('every call settles in time, the breaker opens, the store decides again once the replica took over', async () => {
    const victimProcess = cluster.processes.find((node) => node.port === victim.port)!;
    const { traces, times } = await runDrill(
      subjects,
      {
        name: 'cluster failover',
        begin: () => killProcess(victimProcess.pid),
        // Back: the replica is a master and the cluster serves every slot again.
        end: () =>
          waitUntil(
            async () =>
              (await cluster.topology(replica.port)).find((node) => node.id === replica.id)?.role === 'master' &&
              (await rawCommand(replica.port, 'CLUSTER INFO')).includes('cluster_state:ok'),
            20_000,
            `replica ${replica.port} never took over from ${victim.port}`,
          ),
      },
      { keyOf: (loop) => keys[loop]!, holdMs: 0 },
    );
    expect(watch.problems).toEqual([]);
    expect(traces.map((trace) => trace.kind)).toEqual(FAILURE_KINDS);
    for (const trace of traces) report({ ...checkDrill(trace, times, DRILL_TIMEOUT_MS), drill: 'redis cluster: master killed, replica failed over' });
  }, 60_000);
});
