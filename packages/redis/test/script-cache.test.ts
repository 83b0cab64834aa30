import { baseKey, fixedWindow, slidingLog } from '@sluice/core';
import { RedisStore } from '@sluice/redis';
import { useTarget, type TargetKind } from './support/use-target';

const POLICIES = [fixedWindow({ limit: 10, window: '1m' }), slidingLog({ limit: 10, window: '1m' })];

function describeTarget(kind: TargetKind): void {
  describe(`script cache (${kind})`, () => {
    const run = `cache-${process.pid}-${Date.now().toString(36)}`;
    const fixture = useTarget(kind, [`${run}*`]);

    const evalshaCalls = () => fixture().target.commandCalls('evalsha');
    const evalCalls = () => fixture().target.commandCalls('eval');
    const flushScripts = () => Promise.all(fixture().target.masters().map((master) => master.script('FLUSH')));

    test('runs by EVALSHA once the script is loaded', async () => {
      const store = new RedisStore({ client: fixture().client(), prefix: run });
      const key = baseKey('api', 'evalsha');
      await store.consume({ key, policies: POLICIES, cost: 1, mode: 'consume' });
      const [shaBefore, evalBefore] = [await evalshaCalls(), await evalCalls()];
      for (let i = 0; i < 5; i++) await store.consume({ key, policies: POLICIES, cost: 1, mode: 'consume' });
      expect((await evalshaCalls()) - shaBefore).toBe(5);
      expect((await evalCalls()) - evalBefore).toBe(0);
    });

    test('recovers by itself after SCRIPT FLUSH (as after a restart or failover), keeping the state', async () => {
      const store = new RedisStore({ client: fixture().client(), prefix: run });
      const key = baseKey('api', 'flushed');
      for (let i = 0; i < 3; i++) await store.consume({ key, policies: POLICIES, cost: 1, mode: 'consume' });
      await flushScripts();
      const afterFlush = await store.consume({ key, policies: POLICIES, cost: 1, mode: 'consume' });
      expect(afterFlush.map((result) => [result.allowed, result.remaining])).toEqual([
        [true, 6],
        [true, 6],
      ]);
      // Reloaded: back to one EVALSHA per decision.
      const shaBefore = await evalshaCalls();
      const evalBefore = await evalCalls();
      await store.consume({ key, policies: POLICIES, cost: 1, mode: 'consume' });
      expect((await evalshaCalls()) - shaBefore).toBe(1);
      expect((await evalCalls()) - evalBefore).toBe(0);
    });
  });
}

describeTarget('standalone');
describeTarget('cluster');
