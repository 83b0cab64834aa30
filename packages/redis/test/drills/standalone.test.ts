import { RedisStore } from '@sluice/redis';
import { Redis } from 'ioredis';
import { freezeProcess, killProcess, restartRedis, thawProcess } from '../harness/outage';
import { startRedisProcess, type RedisProcess } from '../harness/redis-process';
import {
  checkDrill,
  drillSubject,
  DRILL_TIMEOUT_MS,
  FAILURE_KINDS,
  probeWatch,
  report,
  runDrill,
  watchProcess,
  type Outage,
  type Subject,
} from './drill-kit';

/**
 * Outage drills on a real redis-server (always one of its own: it is killed and frozen).
 * One limiter per failure policy ('allow', 'deny', a fallback MemoryStore), each with its own
 * client and store (so its own breaker), under load at the same time.
 */
describe('Redis standalone outage drills', () => {
  let server: RedisProcess;
  /** The server running now: the first, or the one restarted on its port. */
  let current: RedisProcess;
  const restarted: RedisProcess[] = [];
  const clients: Redis[] = [];
  let subjects: Subject[];
  let watch: ReturnType<typeof watchProcess>;

  beforeAll(async () => {
    server = await startRedisProcess();
    current = server;
    subjects = FAILURE_KINDS.map((kind) => {
      // docs/redis.md's client options, plus a reconnect every 100 ms (ioredis backs off to 2 s by default).
      const client = new Redis({
        host: '127.0.0.1',
        port: server.port,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        commandTimeout: DRILL_TIMEOUT_MS + 100,
        retryStrategy: () => 100,
        disconnectTimeout: 50,
      });
      client.on('error', () => {}); // each failed reconnect; the drill judges decisions, not the client's log
      clients.push(client);
      return drillSubject(kind, new RedisStore({ client }));
    });
    await Promise.all(clients.map((client) => new Promise((resolve) => client.once('ready', resolve))));
  }, 30_000);

  beforeEach(() => {
    watch = watchProcess();
  });

  afterEach(() => {
    watch.dispose();
    thawProcess(current.pid);
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    for (const process of restarted) await process.stop();
    await server?.stop();
  });

  test('the unhandled-rejection watch sees a rejection nobody handles', async () => {
    await probeWatch(watch);
  });

  const drills: [string, () => Outage][] = [
    [
      'killed (SIGKILL) and restarted on the same port',
      () => ({
        name: 'kill',
        begin: () => killProcess(current.pid),
        async end() {
          current = await restartRedis(server);
          restarted.push(current);
        },
      }),
    ],
    [
      'frozen (SIGSTOP) and thawed (SIGCONT)',
      () => ({
        name: 'freeze',
        begin: async () => freezeProcess(current.pid),
        end: async () => thawProcess(current.pid),
      }),
    ],
  ];

  test.each(drills)('%s: every call settles in time, the breaker opens, the store decides again', async (label, outage) => {
    const { traces, times } = await runDrill(subjects, outage(), { keyOf: (loop) => `client-${loop}` });
    expect(watch.problems).toEqual([]);
    expect(traces.map((trace) => trace.kind)).toEqual(FAILURE_KINDS);
    for (const trace of traces) report({ ...checkDrill(trace, times, DRILL_TIMEOUT_MS), drill: `redis standalone: ${label}` });
  }, 30_000);
});
