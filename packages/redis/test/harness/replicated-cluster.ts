import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import { redisBinary } from './redis-binaries.js';
import { rawCommand } from './redis-command.js';
import { startRedisProcess, type RedisProcess } from './redis-process.js';
import { waitUntil } from './wait.js';

const run = promisify(execFile);

/** One node as `CLUSTER NODES` describes it. */
export interface ClusterNodeInfo {
  readonly id: string;
  readonly port: number;
  readonly role: 'master' | 'replica';
  /** A replica's master id; undefined for a master. */
  readonly masterId: string | undefined;
  /** A master's slot ranges, inclusive. */
  readonly slots: readonly [number, number][];
  readonly failed: boolean;
}

export interface ReplicatedCluster {
  /** Every redis-server process, masters and replicas. */
  readonly processes: readonly RedisProcess[];
  /** The topology as the node on `askPort` (default: the first live one) sees it now. */
  topology(askPort?: number): Promise<ClusterNodeInfo[]>;
  stop(): Promise<void>;
}

/** Parses `CLUSTER NODES` (a bulk string reply: `$<length>\r\n<lines>\r\n`). */
function parseNodes(reply: string): ClusterNodeInfo[] {
  const body = reply.slice(reply.indexOf('\r\n') + 2);
  return body
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const [id, address, flags, master, , , , , ...slots] = line.split(' ');
      const flagList = flags!.split(',');
      return {
        id: id!,
        port: Number(address!.split('@')[0]!.split(':')[1]),
        role: flagList.includes('master') ? 'master' : 'replica',
        masterId: master === '-' ? undefined : master,
        slots: slots.filter((slot) => !slot.startsWith('[')).map((slot) => {
          const [from, to] = slot.split('-').map(Number);
          return [from!, to ?? from!] as [number, number];
        }),
        failed: flagList.includes('fail') || flagList.includes('fail?'),
      };
    });
}

/**
 * A real Redis Cluster with one replica per master on loopback (`redis-cli --cluster create
 * --cluster-replicas 1`), ready once every node says cluster_state:ok and every replica is
 * linked to its master. `nodeTimeoutMs` (cluster-node-timeout) sets how fast a dead master is
 * failed over (about that long plus an election of half a second to a second).
 */
export async function startReplicatedCluster(masters = 3, nodeTimeoutMs = 1_000): Promise<ReplicatedCluster> {
  const processes: RedisProcess[] = [];
  const stop = async () => {
    await Promise.all(processes.map((node) => node.stop()));
  };
  const topology = async (askPort?: number) => {
    const live = askPort === undefined ? processes.map((node) => node.port) : [askPort];
    for (const port of live) {
      try {
        return parseNodes(await rawCommand(port, 'CLUSTER NODES'));
      } catch {
        // dead node: ask the next one
      }
    }
    throw new Error('no cluster node answered CLUSTER NODES');
  };
  try {
    for (let i = 0; i < masters * 2; i++) {
      processes.push(
        await startRedisProcess({
          extraArgs: async () => [
            '--cluster-enabled', 'yes',
            '--cluster-config-file', 'nodes.conf',
            '--cluster-node-timeout', String(nodeTimeoutMs),
            '--cluster-port', String(await freePort()),
          ],
        }),
      );
    }
    await run(
      redisBinary('redis-cli'),
      ['--cluster', 'create', ...processes.map((node) => `127.0.0.1:${node.port}`), '--cluster-replicas', '1', '--cluster-yes'],
      { timeout: 30_000 },
    );
    for (const node of processes) {
      await waitUntil(
        async () => (await rawCommand(node.port, 'CLUSTER INFO')).includes('cluster_state:ok'),
        20_000,
        `cluster node ${node.port} never reached cluster_state:ok`,
      );
    }
    await waitUntil(
      async () => {
        const nodes = await topology();
        const replicas = nodes.filter((node) => node.role === 'replica');
        if (replicas.length !== masters) return false;
        // A replica linked and in sync says master_link_status:up.
        for (const replica of replicas) {
          if (!(await rawCommand(replica.port, 'INFO replication')).includes('master_link_status:up')) return false;
        }
        return true;
      },
      20_000,
      'the replicas never linked to their masters',
    );
    return { processes, topology, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The cluster hash slot of a key (the node computes it: CLUSTER KEYSLOT). */
export async function keySlot(port: number, key: string): Promise<number> {
  const reply = await rawCommand(port, `CLUSTER KEYSLOT ${key}`);
  return Number(reply.slice(1));
}
