import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import { redisBinary } from './redis-binaries.js';
import { rawCommand } from './redis-command.js';
import { startRedisProcess, type RedisProcess } from './redis-process.js';
import { waitUntil } from './wait.js';

const run = promisify(execFile);

export interface ClusterProcesses {
  readonly ports: readonly number[];
  stop(): Promise<void>;
}

/**
 * A real 3-master Redis Cluster on loopback: three `redis-server --cluster-enabled yes`, each
 * with its own bus port, joined by `redis-cli --cluster create`, ready once every node says
 * cluster_state:ok. `listenOn`: ports to listen on (e.g. ports clients already retry); default: free ones.
 */
export async function startClusterProcesses(masters = 3, listenOn?: readonly number[]): Promise<ClusterProcesses> {
  const nodes: RedisProcess[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  try {
    for (let i = 0; i < masters; i++) {
      nodes.push(
        await startRedisProcess({
          ...(listenOn?.[i] === undefined ? {} : { port: listenOn[i] }),
          extraArgs: async () => [
            '--cluster-enabled', 'yes',
            '--cluster-config-file', 'nodes.conf',
            '--cluster-node-timeout', '5000',
            '--cluster-port', String(await freePort()),
          ],
        }),
      );
    }
    const ports = nodes.map((node) => node.port);
    await run(
      redisBinary('redis-cli'),
      ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'],
      { timeout: 30_000 },
    );
    for (const port of ports) {
      await waitUntil(
        async () => (await rawCommand(port, 'CLUSTER INFO')).includes('cluster_state:ok'),
        20_000,
        `cluster node ${port} never reached cluster_state:ok`,
      );
    }
    return { ports, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
