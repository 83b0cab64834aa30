import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { concurrency, createLimiter } from '@sluice/core';
import { RedisStore } from '@sluice/redis';
import type { TargetAddress } from './harness/targets';
import { useTarget, type TargetKind } from './support/use-target';

// Issue 12's done-when: 4 app servers (processes) x 200 concurrent long requests on one key,
// limit 10 on one Redis: the handlers never see more than 10 in progress, and every lease is
// released at the end.
const SERVERS = 4;
const REQUESTS_PER_SERVER = 200;
const LIMIT = 10;
/** How long each admitted request holds its lease (the handler sleeps). */
const HOLD_MS = 100;
/** The staggered run: each server's requests start this far apart, so leases are released and taken again throughout. */
const STAGGER_MS = 10;

const packagesDir = resolve(__dirname, '../..');
const WORKER = join(__dirname, 'workers', 'concurrency-server.cjs');

function assertBuilt(): void {
  for (const name of ['core', 'redis', 'express']) {
    const entry = join(packagesDir, name, 'dist', 'cjs', 'index.js');
    if (!existsSync(entry)) throw new Error(`${entry} is missing: the server processes load the built packages. Run \`npm run build\` first.`);
  }
}

type Reply =
  | { type: 'ready'; port: number }
  | { type: 'report'; peak: number; handled: number }
  | { type: 'reset' }
  | { type: 'error'; message: string };

class Server {
  private readonly child: ChildProcess;
  port = 0;
  constructor() {
    this.child = fork(WORKER, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  }
  ask(message: object): Promise<Reply> {
    return new Promise((resolvePromise, reject) => {
      const onExit = (code: number | null) => reject(new Error(`server exited with ${code}`));
      this.child.once('exit', onExit);
      this.child.once('message', (reply: Reply) => {
        this.child.off('exit', onExit);
        if (reply.type === 'error') reject(new Error(`server failed: ${reply.message}`));
        else resolvePromise(reply);
      });
      this.child.send(message);
    });
  }
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || !this.child.connected) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    this.child.send({ type: 'stop' });
    await exited;
  }
}

function get(port: number): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/work', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolvePromise(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

function describeTarget(kind: TargetKind): void {
  describe(`${SERVERS} processes x ${REQUESTS_PER_SERVER} concurrent long requests on one key, concurrency limit ${LIMIT} (${kind})`, () => {
    const run = `cc-${process.pid}-${Date.now().toString(36)}`;
    const fixture = useTarget(kind, [`${run}*`, `{${run}}*`]);
    const servers: Server[] = [];

    beforeAll(async () => {
      assertBuilt();
      for (let i = 0; i < SERVERS; i++) servers.push(new Server());
      const address: TargetAddress = fixture().target.address;
      const replies = await Promise.all(
        servers.map((server) => server.ask({ type: 'start', address, prefix: run, counterKey: `{${run}}:in-progress`, limit: LIMIT, holdMs: HOLD_MS })),
      );
      replies.forEach((reply, i) => {
        if (reply.type === 'ready') servers[i]!.port = reply.port;
      });
    }, 60_000);

    afterAll(async () => {
      await Promise.all(servers.map((server) => server.stop()));
    }, 30_000);

    /** Fires every server's requests (each after `startMs(i)`), then checks the peak and that every lease is released. */
    async function fire(label: string, startMs: (i: number) => number): Promise<void> {
      const started = performance.now();
      const statuses = await Promise.all(
        servers.flatMap((server) =>
          Array.from({ length: REQUESTS_PER_SERVER }, (_, i) => new Promise((done) => setTimeout(done, startMs(i))).then(() => get(server.port))),
        ),
      );
      const elapsedMs = Math.round(performance.now() - started);
      const admitted = statuses.filter((status) => status === 200).length;
      const denied = statuses.filter((status) => status === 429).length;
      expect(admitted + denied).toBe(SERVERS * REQUESTS_PER_SERVER);
      expect(admitted).toBeGreaterThanOrEqual(LIMIT);
      expect(denied).toBeGreaterThan(0);

      const reports = await Promise.all(servers.map((server) => server.ask({ type: 'report' })));
      let peak = 0;
      let handled = 0;
      for (const report of reports) {
        if (report.type !== 'report') throw new Error(`unexpected reply ${JSON.stringify(report)}`);
        peak = Math.max(peak, report.peak);
        handled += report.handled;
      }
      expect(handled).toBe(admitted);
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(LIMIT);
      // The figures for docs/concurrency.md.
      console.log(`${kind}, ${label}: ${admitted} admitted, ${denied} denied in ${elapsedMs} ms; peak in progress ${peak} (limit ${LIMIT})`);

      // Every lease released: no lease set is left (releases follow each response's close).
      const { target } = fixture();
      const leaseKeys = () => target.scanKeys(`*${run}:{shared}*`);
      for (let i = 0; i < 500 && (await leaseKeys()).length > 0; i++) await new Promise((done) => setTimeout(done, 10));
      expect(await leaseKeys()).toEqual([]);
      const client = fixture().client();
      const policy = concurrency({ name: 'inflight', limit: LIMIT, leaseMs: '30s' });
      const peek = await createLimiter({ store: new RedisStore({ client }), policies: [policy], prefix: run }).peek('shared');
      expect(peek).toMatchObject({ allowed: true, remaining: LIMIT, decidedBy: 'store' });
      await Promise.all(servers.map((server) => server.ask({ type: 'reset' })));
    }

    test('all at once: the handlers never see more than the limit in progress, and every lease is released', async () => {
      await fire('all at once', () => 0);
    }, 120_000);

    test('staggered arrivals (leases released and taken again throughout): never more than the limit, every lease released', async () => {
      await fire(`staggered ${STAGGER_MS} ms apart`, (i) => i * STAGGER_MS);
    }, 120_000);
  });
}

describeTarget('standalone');
describeTarget('cluster');
