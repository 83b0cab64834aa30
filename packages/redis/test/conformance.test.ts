import { ALGORITHMS } from '@sluice/core';
import { runStoreConformance } from '@sluice/conformance';
import { RedisStore } from '@sluice/redis';
import { useTarget, type TargetKind } from './support/use-target';

function conformance(kind: TargetKind): void {
  describe(`RedisStore (${kind})`, () => {
    const fixture = useTarget(kind, [`sluice-conformance-${process.pid}-*`]);
    runStoreConformance({
      name: `RedisStore (${kind})`,
      // A client per store, like separate app servers; the fixture quits them, the store never does.
      makeStore: () => new RedisStore({ client: fixture().client() }),
      // Script executions as Redis itself counts them, summed over the masters.
      roundTrips: () => fixture().target.scriptCalls(),
      sharedState: true,
      algorithms: [...ALGORITHMS, 'penalty', 'concurrency'],
      describe,
      test,
      beforeAll,
      afterAll,
    });
  });
}

conformance('standalone');
conformance('cluster');
