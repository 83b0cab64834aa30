import { createLimiter, fixedWindow, leakyBucket, slidingLog, slidingWindow, tokenBucket } from '@sluice/core';
import { RedisStore } from '@sluice/redis';
import type { Redis } from 'ioredis';
import { useTarget, type TargetKind } from './support/use-target';

const DECISIONS = 120;
const KEYS = Array.from({ length: 7 }, (_, i) => `user-${i}`);
const END_MARKER = 'sluice-round-trip-test-end';
/** What ioredis may send on its own (ready checks, Cluster slot refreshes): not decisions. */
const CONNECTION_UPKEEP = new Set(['info', 'cluster', 'client', 'hello', 'auth', 'select', 'readonly', 'ping', 'command']);

interface Monitored {
  /** Commands sent by clients (not run inside scripts), by name. */
  readonly fromClients: Map<string, number>;
  /** Resolves once every master has shown the end marker, then stops monitoring. */
  finish(): Promise<void>;
}

/** MONITOR on every master: it tells commands that clients sent from those a script ran ("lua"). */
async function monitor(masters: readonly Redis[]): Promise<Monitored> {
  const fromClients = new Map<string, number>();
  const monitors = await Promise.all(masters.map((master) => master.monitor()));
  const ended = monitors.map(
    (session) =>
      new Promise<void>((resolve) => {
        session.on('monitor', (_time: string, args: string[], source: string) => {
          const name = String(args[0]).toLowerCase();
          if (name === 'echo' && args[1] === END_MARKER) return resolve();
          if (source === 'lua') return;
          fromClients.set(name, (fromClients.get(name) ?? 0) + 1);
        });
      }),
  );
  return {
    fromClients,
    async finish() {
      await Promise.all(masters.map((master) => master.echo(END_MARKER)));
      await Promise.all(ended);
      await Promise.all(monitors.map((session) => session.disconnect()));
    },
  };
}

function describeTarget(kind: TargetKind): void {
  describe(`round trips as Redis counts them (${kind})`, () => {
    const fixture = useTarget(kind, [`rt-${process.pid}:*`]);

    test('a five-policy limiter decision is one script call and nothing else, in every mode', async () => {
      const { target } = fixture();
      const limiter = createLimiter({
        store: new RedisStore({ client: fixture().client() }),
        prefix: `rt-${process.pid}`,
        policies: [
          fixedWindow({ limit: 30, window: '1m' }),
          slidingWindow({ limit: 30, window: '1m' }),
          slidingLog({ limit: 30, window: '1m' }),
          tokenBucket({ capacity: 30, refillPerSecond: 1 }),
          leakyBucket({ capacity: 30, leakPerSecond: 1 }),
        ],
      });
      // Every connection the keys need is open and has the script loaded before counting.
      for (const key of KEYS) await limiter.peek(key);
      const scriptCallsBefore = await target.scriptCalls();
      const monitored = await monitor(target.masters());
      for (let i = 0; i < DECISIONS / 3; i++) {
        const key = KEYS[i % KEYS.length]!;
        await limiter.consume(key, { cost: 1 + (i % 3) });
        await limiter.peek(key);
        await limiter.refund(key);
      }
      await monitored.finish();
      // INFO commandstats: one EVALSHA/EVAL execution per decision.
      expect((await target.scriptCalls()) - scriptCallsBefore).toBe(DECISIONS);
      // MONITOR: the client sent nothing but those scripts (no MULTI, no reads before writes).
      const sent = [...monitored.fromClients].filter(([name]) => !CONNECTION_UPKEEP.has(name));
      expect(Object.fromEntries(sent)).toEqual({ evalsha: DECISIONS });
    });
  });
}

describeTarget('standalone');
describeTarget('cluster');
