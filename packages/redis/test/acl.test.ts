import {
  baseKey,
  fixedWindow,
  leakyBucket,
  slidingLog,
  slidingWindow,
  tokenBucket,
  type Mode,
} from '@sluice/core';
import { RedisStore } from '@sluice/redis';
import type { Cluster, Redis } from 'ioredis';
import { useTarget, type TargetKind } from './support/use-target';

/**
 * The ACL rules docs/redis.md gives, checked: a user with exactly these permissions runs every
 * mode of every algorithm and reset. Commands a script runs are checked against the caller's
 * ACL too, so the script's own commands are listed.
 */
export const SLUICE_ACL_COMMANDS = [
  '-@all',
  // what the client sends
  '+evalsha', '+eval', '+del', '+info',
  // what the decision script runs
  '+time', '+get', '+set', '+llen', '+lindex', '+rpush', '+ltrim', '+pexpire',
];
/** ioredis's Cluster client also reads the slot map, checks the cluster state and names its connections. */
export const SLUICE_CLUSTER_ACL_COMMANDS = ['+cluster|slots', '+cluster|info', '+client|setname'];

const POLICIES = [
  fixedWindow({ limit: 5, window: '1m' }),
  slidingWindow({ limit: 5, window: '1m' }),
  slidingLog({ limit: 5, window: '1m' }),
  tokenBucket({ capacity: 5, refillPerSecond: 1 }),
  leakyBucket({ capacity: 5, leakPerSecond: 1 }),
];

function describeTarget(kind: TargetKind): void {
  describe(`a least-privilege ACL user (${kind})`, () => {
    const fixture = useTarget(kind, [`sluice-acl-${process.pid}:*`]);
    const user = `sluice-acl-${process.pid}`;
    const password = 'acl-test-password';
    const keyPattern = `~${user}:*`;

    test('decides in every mode and resets, and nothing outside its keys', async () => {
      const masters = fixture().target.masters();
      const rules = [...SLUICE_ACL_COMMANDS, ...(kind === 'cluster' ? SLUICE_CLUSTER_ACL_COMMANDS : [])];
      for (const master of masters) await master.acl('SETUSER', user, 'reset', 'on', `>${password}`, keyPattern, ...rules);
      const client = fixture().target.createClient({ username: user, password });
      try {
        await decideAs(client);
      } finally {
        // Quit before the user goes, or ioredis would keep reconnecting with a deleted user.
        await client.quit();
        for (const master of masters) await master.acl('DELUSER', user);
      }
    });

    async function decideAs(client: Redis | Cluster): Promise<void> {
      const store = new RedisStore({ client, prefix: user });
      const key = baseKey('api', 'acl');
      const modes: Mode[] = ['consume', 'consume', 'peek', 'refund', 'consume'];
      for (const mode of modes) {
        for (const cost of [1, 9]) await store.consume({ key, policies: POLICIES, cost, mode });
      }
      await store.consume({ key, policies: POLICIES, cost: 1, mode: 'consume', nowMs: Date.now() + 120_000 });
      await store.reset(key, POLICIES);
      const outside = new RedisStore({ client, prefix: 'elsewhere' });
      await expect(outside.consume({ key, policies: POLICIES, cost: 1, mode: 'consume' })).rejects.toThrow(/NOPERM/);
    }
  });
}

describeTarget('standalone');
describeTarget('cluster');
