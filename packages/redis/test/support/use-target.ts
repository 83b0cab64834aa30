import type { Cluster, Redis, RedisOptions } from 'ioredis';
import { clusterTarget, standaloneTarget, type RedisTarget } from '../harness/targets';

export type TargetKind = RedisTarget['kind'];

export interface TargetFixture {
  readonly target: RedisTarget;
  /** A client that is quit in afterAll. */
  client(options?: RedisOptions): Redis | Cluster;
}

/**
 * Starts (or connects to) a target in beforeAll and tears it and every client down in afterAll.
 * On external servers (REDIS_URL, REDIS_CLUSTER_NODES) it first deletes the keys matching
 * `cleanup`, the patterns of the keys the test file writes.
 */
export function useTarget(kind: TargetKind, cleanup: readonly string[] = []): () => TargetFixture {
  let fixture: TargetFixture | undefined;
  const clients: (Redis | Cluster)[] = [];
  beforeAll(async () => {
    const target = kind === 'cluster' ? await clusterTarget() : await standaloneTarget();
    fixture = {
      target,
      client(options) {
        const client = target.createClient(options);
        clients.push(client);
        return client;
      },
    };
  }, 60_000);
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
    if (fixture?.target.external) for (const pattern of cleanup) await fixture.target.deleteKeys(pattern);
    await fixture?.target.stop();
  }, 30_000);
  return () => {
    if (fixture === undefined) throw new Error('the Redis target failed to start (see beforeAll)');
    return fixture;
  };
}
