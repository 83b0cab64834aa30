import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { startClusterProcesses } from './cluster-process.js';
import { acquireExternalLock } from './external-lock.js';
import { startRedisProcess } from './redis-process.js';

export interface NodeAddress {
  host: string;
  port: number;
}

/** How another process reaches a target: a standalone URL, or Cluster seed nodes. */
export type TargetAddress = { url: string } | { nodes: NodeAddress[] };

/** A Redis deployment the tests talk to: started by the harness, or given by REDIS_URL / REDIS_CLUSTER_NODES. */
export interface RedisTarget {
  readonly kind: 'standalone' | 'cluster';
  readonly description: string;
  readonly address: TargetAddress;
  /** Given by REDIS_URL / REDIS_CLUSTER_NODES: outlives the tests, so they clean up after themselves. */
  readonly external: boolean;
  /** A new client for this target; the caller quits it. */
  createClient(options?: RedisOptions): Redis | Cluster;
  /** One admin connection per master, for INFO, SCAN, PTTL, SCRIPT FLUSH. */
  masters(): readonly Redis[];
  /** EVAL + EVALSHA calls the masters executed so far, from Redis's own INFO commandstats. */
  scriptCalls(): Promise<number>;
  /** Calls of one command (lower case, e.g. 'del') summed over the masters. */
  commandCalls(command: string): Promise<number>;
  /** Keys matching `pattern` on every master. */
  scanKeys(pattern: string): Promise<string[]>;
  /** Deletes the keys matching `pattern` on every master. */
  deleteKeys(pattern: string): Promise<void>;
  /** Quits the admin connections and stops what the harness started. */
  stop(): Promise<void>;
}

/** Parses `cmdstat_<name>:calls=N,...` lines of INFO commandstats. */
export function callsFromCommandStats(info: string, command: string): number {
  const match = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(info);
  return match ? Number(match[1]) : 0;
}

async function sumOverMasters(masters: readonly Redis[], commands: readonly string[]): Promise<number> {
  const infos = await Promise.all(masters.map((master) => master.info('commandstats')));
  let total = 0;
  for (const info of infos) for (const command of commands) total += callsFromCommandStats(info, command);
  return total;
}

async function scanNode(node: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

async function scanAll(masters: readonly Redis[], pattern: string): Promise<string[]> {
  return (await Promise.all(masters.map((master) => scanNode(master, pattern)))).flat();
}

/** One DEL per key: a Cluster node refuses multi-key commands across slots. */
async function deleteAll(masters: readonly Redis[], pattern: string): Promise<void> {
  for (const master of masters) {
    const keys = await scanNode(master, pattern);
    if (keys.length > 0) await keys.reduce((pipeline, key) => pipeline.del(key), master.pipeline()).exec();
  }
}

function target(
  kind: RedisTarget['kind'],
  description: string,
  address: TargetAddress,
  external: boolean,
  createClient: RedisTarget['createClient'],
  masters: readonly Redis[],
  release: () => Promise<void>,
): RedisTarget {
  return {
    kind,
    description,
    address,
    external,
    createClient,
    masters: () => masters,
    scriptCalls: () => sumOverMasters(masters, ['evalsha', 'eval']),
    commandCalls: (command) => sumOverMasters(masters, [command]),
    scanKeys: (pattern) => scanAll(masters, pattern),
    deleteKeys: (pattern) => deleteAll(masters, pattern),
    async stop() {
      await Promise.all(masters.map((master) => master.quit().catch(() => undefined)));
      await release();
    },
  };
}

function parseNodes(list: string): NodeAddress[] {
  return list.split(',').map((entry) => {
    const [host, port] = entry.trim().split(':');
    return { host: host || '127.0.0.1', port: Number(port) };
  });
}

/** REDIS_URL, or a fresh redis-server on a free loopback port. */
export async function standaloneTarget(): Promise<RedisTarget> {
  const url = process.env.REDIS_URL;
  if (url) {
    const unlock = await acquireExternalLock(url);
    const admin = new Redis(url);
    return target('standalone', `REDIS_URL ${url}`, { url }, true, (options) => new Redis(url, options ?? {}), [admin], async () => unlock());
  }
  const server = await startRedisProcess();
  const admin = new Redis({ host: '127.0.0.1', port: server.port });
  return target(
    'standalone',
    `redis-server :${server.port}`,
    { url: `redis://127.0.0.1:${server.port}` },
    false,
    (options) => new Redis({ host: '127.0.0.1', port: server.port, ...options }),
    [admin],
    () => server.stop(),
  );
}

/** Connections to each master, found through a Cluster client (it knows the topology). */
async function masterConnections(nodes: readonly NodeAddress[]): Promise<Redis[]> {
  const probe = new Cluster(nodes.map((node) => ({ ...node })));
  await new Promise<void>((resolve, reject) => {
    probe.once('ready', resolve);
    probe.once('error', reject);
  });
  const addresses = probe.nodes('master').map((node) => ({ host: node.options.host!, port: node.options.port! }));
  await probe.quit();
  return addresses.map((address) => new Redis(address));
}

/** REDIS_CLUSTER_NODES (host:port,host:port,...), or a fresh 3-master Cluster on loopback. */
export async function clusterTarget(): Promise<RedisTarget> {
  const list = process.env.REDIS_CLUSTER_NODES;
  const clusterClient = (nodes: readonly NodeAddress[]) => (options?: RedisOptions) =>
    new Cluster(
      nodes.map((node) => ({ ...node })),
      { redisOptions: options ?? {}, ...pickClusterOptions(options) },
    );
  if (list) {
    const unlock = await acquireExternalLock(list);
    const nodes = parseNodes(list);
    return target('cluster', `REDIS_CLUSTER_NODES ${list}`, { nodes }, true, clusterClient(nodes), await masterConnections(nodes), async () => unlock());
  }
  const cluster = await startClusterProcesses(3);
  const nodes = cluster.ports.map((port) => ({ host: '127.0.0.1', port }));
  try {
    return target('cluster', `cluster :${cluster.ports.join(',')}`, { nodes }, false, clusterClient(nodes), await masterConnections(nodes), () => cluster.stop());
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

/** Options that belong on the Cluster itself rather than on each node connection. */
function pickClusterOptions(options: RedisOptions | undefined): ClusterOptions {
  if (options === undefined) return {};
  const picked: ClusterOptions = {};
  if (options.enableOfflineQueue !== undefined) picked.enableOfflineQueue = options.enableOfflineQueue;
  if (options.keyPrefix !== undefined) picked.keyPrefix = options.keyPrefix;
  return picked;
}
