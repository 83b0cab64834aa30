import { createHash } from 'node:crypto';
import { ALGORITHMS, createLimiter, fixedWindow, leakyBucket, slidingLog, slidingWindow, tokenBucket, type Policy } from '@sluice/core';
import { DECISION_SCRIPT, RedisStore, SINGLE_POLICY_SCRIPTS } from '@sluice/redis';
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
  /** EVALSHA calls sent by clients, by script SHA1. */
  readonly scripts: Map<string, number>;
  /** Resolves once every master has shown the end marker, then stops monitoring. */
  finish(): Promise<void>;
}

/** MONITOR on every master: it tells commands that clients sent from those a script ran ("lua"). */
async function monitor(masters: readonly Redis[]): Promise<Monitored> {
  const fromClients = new Map<string, number>();
  const scripts = new Map<string, number>();
  const monitors = await Promise.all(masters.map((master) => master.monitor()));
  const ended = monitors.map(
    (session) =>
      new Promise<void>((resolve) => {
        session.on('monitor', (_time: string, args: string[], source: string) => {
          const name = String(args[0]).toLowerCase();
          if (name === 'echo' && args[1] === END_MARKER) return resolve();
          if (source === 'lua') return;
          fromClients.set(name, (fromClients.get(name) ?? 0) + 1);
          if (name === 'evalsha') scripts.set(String(args[1]), (scripts.get(String(args[1])) ?? 0) + 1);
        });
      }),
  );
  return {
    fromClients,
    scripts,
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
      // Several policies: the general script, which holds the all-or-nothing dispatcher.
      expect(Object.fromEntries(monitored.scripts)).toEqual({ [sha1(DECISION_SCRIPT)]: DECISIONS });
    });

    test("a single-policy decision runs its algorithm's own small script, one EVALSHA each", async () => {
      const { target } = fixture();
      const single: Record<string, Policy> = {
        'fixed-window': fixedWindow({ limit: 30, window: '1m' }),
        'sliding-window': slidingWindow({ limit: 30, window: '1m' }),
        'sliding-log': slidingLog({ limit: 30, window: '1m' }),
        'token-bucket': tokenBucket({ capacity: 30, refillPerSecond: 1 }),
        'leaky-bucket': leakyBucket({ capacity: 30, leakPerSecond: 1 }),
      };
      const store = new RedisStore({ client: fixture().client() });
      const limiters = ALGORITHMS.map((algorithm) => createLimiter({ store, prefix: `rt-${process.pid}`, policies: [single[algorithm]!] }));
      // Loaded on the connection that owns the key first, so every call counted is an EVALSHA.
      for (const limiter of limiters) await limiter.peek('single');
      const monitored = await monitor(target.masters());
      for (const limiter of limiters) {
        await limiter.consume('single', { cost: 2 });
        await limiter.peek('single');
        await limiter.refund('single');
      }
      await monitored.finish();
      const expected = Object.fromEntries(ALGORITHMS.map((algorithm) => [sha1(SINGLE_POLICY_SCRIPTS[algorithm]), 3]));
      expect(Object.keys(expected)).toHaveLength(ALGORITHMS.length);
      expect(Object.fromEntries(monitored.scripts)).toEqual(expected);
    });
  });
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

describeTarget('standalone');
describeTarget('cluster');
