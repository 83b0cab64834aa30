import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ALGORITHMS, tokenBucket } from '@sluice/core';
import { DECISION_SCRIPTS } from '@sluice/redis';
import type { TargetAddress } from './harness/targets';
import { useTarget, type TargetKind } from './support/use-target';

const WORKERS = 4;
const CALLS = 1000;
const LIMIT = 100;
/** The workers' buckets refill 1 per second (see workers/consume-worker.cjs). */
const BUCKET_INTERVAL_US = tokenBucket({ capacity: LIMIT, refillPerSecond: 1 }).intervalUs;

const packagesDir = resolve(__dirname, '../..');
const WORKER = join(__dirname, 'workers', 'consume-worker.cjs');

function assertBuilt(): void {
  for (const name of ['core', 'redis']) {
    const entry = join(packagesDir, name, 'dist', 'cjs', 'index.js');
    if (!existsSync(entry)) {
      throw new Error(`${entry} is missing: the worker processes load the built packages. Run \`npm run build\` first (\`npm test\` does it).`);
    }
  }
}

type Reply = { type: 'ready'; scriptSha: string } | { type: 'done'; admitted: number; degraded: number } | { type: 'error'; message: string };

class Worker {
  private readonly child: ChildProcess;
  constructor() {
    this.child = fork(WORKER, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  }
  ask(message: object): Promise<Reply> {
    return new Promise((resolvePromise, reject) => {
      const onExit = (code: number | null) => reject(new Error(`worker exited with ${code}`));
      this.child.once('exit', onExit);
      this.child.once('message', (reply: Reply) => {
        this.child.off('exit', onExit);
        if (reply.type === 'error') reject(new Error(`worker failed: ${reply.message}`));
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

function describeTarget(kind: TargetKind): void {
  describe(`${WORKERS} processes, ${CALLS} concurrent calls on one key, limit ${LIMIT} (${kind})`, () => {
    const run = `mp-${process.pid}-${Date.now().toString(36)}`;
    const fixture = useTarget(kind, [`${run}*`]);
    const workers: Worker[] = [];

    beforeAll(async () => {
      assertBuilt();
      for (let i = 0; i < WORKERS; i++) workers.push(new Worker());
      const address: TargetAddress = fixture().target.address;
      const replies = await Promise.all(workers.map((worker) => worker.ask({ type: 'connect', address })));
      const expected = createHash('sha1').update(DECISION_SCRIPTS.join('')).digest('hex');
      for (const reply of replies) {
        if (reply.type === 'ready' && reply.scriptSha !== expected) {
          throw new Error('packages/redis/dist holds another decision script than src: run `npm run build`.');
        }
      }
    }, 30_000);

    afterAll(async () => {
      await Promise.all(workers.map((worker) => worker.stop()));
    });

    async function fire(algorithm: string): Promise<{ admitted: number; degraded: number; elapsedUs: number }> {
      const started = process.hrtime.bigint();
      const replies = await Promise.all(
        workers.map((worker) => worker.ask({ type: 'fire', algorithm, calls: CALLS / WORKERS, key: 'shared', prefix: `${run}-${algorithm}` })),
      );
      const elapsedUs = Number((process.hrtime.bigint() - started) / 1000n);
      let admitted = 0;
      let degraded = 0;
      for (const reply of replies) {
        if (reply.type !== 'done') throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
        admitted += reply.admitted;
        degraded += reply.degraded;
      }
      return { admitted, degraded, elapsedUs };
    }

    for (const algorithm of ALGORITHMS) {
      test(`${algorithm}: ${algorithm.endsWith('bucket') ? 'the capacity plus what refilled meanwhile' : `exactly ${LIMIT}`} admitted`, async () => {
        const { admitted, degraded, elapsedUs } = await fire(algorithm);
        expect(degraded).toBe(0);
        if (algorithm.endsWith('bucket')) {
          // Redis decided within the parent's measured span, so at most one refill per interval of it.
          expect(admitted).toBeGreaterThanOrEqual(LIMIT);
          expect(admitted).toBeLessThanOrEqual(LIMIT + Math.floor(elapsedUs / BUCKET_INTERVAL_US));
        } else {
          expect(admitted).toBe(LIMIT);
        }
      });
    }
  });
}

describeTarget('standalone');
describeTarget('cluster');
