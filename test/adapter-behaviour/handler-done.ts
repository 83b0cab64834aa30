// A concurrency lease and a load-shedding slot are held until the HANDLER is done, not until the
// client leaves (each adapter, real servers on 127.0.0.1). Clients that abort and retry must not
// let more handlers run than the limit; the lease/slot is released when the handler ends; a
// handler that never ends releases by leaseMs (lease) or the grace period (slot); a leaky-bucket
// hold whose client left refunds. Waits poll state; nothing asserts a duration.
import type { ServerResponse } from 'node:http';
import { request as httpRequest } from 'node:http';
import {
  type AdaptiveLimiter,
  type Duration,
  concurrency,
  createAdaptiveLimiter,
  createLimiter,
  fixedWindow,
  leakyBucket,
  MemoryStore,
  type Policy,
  type Store,
} from '@sluice/core';

/** What guards the routes: the rate limiter (key 'one' for every client, cost from the `x-cost` header) or load shedding. */
export type Guard = { kind: 'rateLimit'; store: Store; policies: Policy[] } | { kind: 'loadShedding'; limiter: AdaptiveLimiter };

/** What the handlers report to the test. */
export interface WorkProbe {
  /** A handler started (`res`: the Node response under the framework's, watched for 'close'). */
  entered(res: ServerResponse): void;
  /** A handler finished its work (it answers right after). */
  left(): void;
  /** What /gate handlers wait for. */
  gate(): Promise<void>;
}

/**
 * Starts a server with `guard` in front of: GET /work?ms=N (probe.entered, N ms, probe.left,
 * then 200 'ok', also after the client left), GET /gate (probe.entered, waits for probe.gate(),
 * probe.left, 200), GET /never (probe.entered, then never answers).
 */
export interface HandlerDoneHarness {
  name: string;
  start(guard: Guard, probe: WorkProbe): Promise<{ url: string; close(): Promise<void> }>;
}

async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`still waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A GET the client can abandon: `status` resolves with the answer's status, or 0 once it was abandoned. */
function open(url: string, headers: Record<string, string> = {}): { status: Promise<number>; abort(): void } {
  let abort = (): void => {};
  const status = new Promise<number>((resolve) => {
    const req = httpRequest(url, { agent: false, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
    req.on('close', () => resolve(0));
    req.end();
    abort = () => req.destroy();
  });
  return { status, abort };
}

/** GET that the client abandons after `abortMs` if no answer came by then; resolves with the status or 0. */
function getAborting(url: string, abortMs: number, headers: Record<string, string> = {}): Promise<number> {
  const request = open(url, headers);
  const timer = setTimeout(request.abort, abortMs);
  return request.status.finally(() => clearTimeout(timer));
}

const get = (url: string, headers: Record<string, string> = {}): Promise<number> => open(url, headers).status;

class Probe implements WorkProbe {
  running = 0;
  peak = 0;
  entries = 0;
  private opens: Array<() => void> = [];
  private closes: Array<Promise<void>> = [];

  entered(res: ServerResponse): void {
    this.entries++;
    this.running++;
    if (this.running > this.peak) this.peak = this.running;
    this.closes.push(new Promise((resolve) => (res.closed ? resolve() : res.once('close', () => resolve()))));
  }

  left(): void {
    this.running--;
  }

  gate(): Promise<void> {
    return new Promise((resolve) => this.opens.push(resolve));
  }

  open(): void {
    for (const resolve of this.opens.splice(0)) resolve();
  }

  /** The server saw the response of the `n`th handler entered (0-based) close. */
  closed(n: number): Promise<void> {
    return this.closes[n] as Promise<void>;
  }
}

function fixedLimiter(limit: number): AdaptiveLimiter {
  return createAdaptiveLimiter({ minLimit: limit, initialLimit: limit, maxLimit: limit, criticalReserve: 0, sheddableReserve: 0 });
}

export function runHandlerDone(harness: HandlerDoneHarness): void {
  describe(`${harness.name}: a lease / slot is held until the handler is done`, () => {
    const closers: Array<() => Promise<void>> = [];
    afterEach(async () => {
      await Promise.all(closers.splice(0).map((close) => close()));
    });

    async function start(guard: Guard) {
      const probe = new Probe();
      const app = await harness.start(guard, probe);
      closers.push(async () => {
        probe.open();
        await app.close();
      });
      return { url: app.url, probe };
    }

    function leases(limit: number, leaseMs: Duration) {
      const store = new MemoryStore();
      const policies = [concurrency({ name: 'inflight', limit, leaseMs })];
      const watcher = createLimiter({ store, policies });
      return { guard: { kind: 'rateLimit', store, policies } as Guard, free: async () => (await watcher.peek('one')).remaining };
    }

    /**
     * Six clients, each repeating: a request to a 300-500 ms handler, abandoned after 30 ms, then
     * again, until 9 handlers (three rounds of the limit) have started (at most 200 requests each).
     */
    async function abortAndRetry(url: string, probe: Probe): Promise<number[]> {
      const statuses: number[] = [];
      await Promise.all(
        Array.from({ length: 6 }, async () => {
          for (let i = 0; i < 200 && probe.entries < 9; i++) {
            statuses.push(await getAborting(`${url}/work?ms=${300 + Math.floor(Math.random() * 201)}`, 30));
            await pause(10);
          }
        }),
      );
      return statuses;
    }

    it('concurrency limit 3: clients that abort after 30 ms and retry never get more than 3 handlers running', async () => {
      const { guard, free } = leases(3, '1m');
      const { url, probe } = await start(guard);
      const statuses = await abortAndRetry(url, probe);
      expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
      expect(probe.entries).toBeGreaterThanOrEqual(9);
      expect(probe.peak).toBeGreaterThan(0);
      expect(probe.peak).toBeLessThanOrEqual(3);
      await eventually(() => probe.running === 0, 'the handlers to finish');
      await eventually(async () => (await free()) === 3, 'every lease released');
    });

    it('loadShedding limit 3: the same clients never get more than 3 handlers running; in-flight matches them', async () => {
      const limiter = fixedLimiter(3);
      const { url, probe } = await start({ kind: 'loadShedding', limiter });
      let mismatch = 0;
      const sampler = setInterval(() => {
        if (limiter.inFlight < probe.running) mismatch++;
      }, 5);
      const statuses = await abortAndRetry(url, probe).finally(() => clearInterval(sampler));
      expect(statuses.filter((status) => status === 503).length).toBeGreaterThan(0);
      expect(probe.entries).toBeGreaterThanOrEqual(9);
      expect(probe.peak).toBeGreaterThan(0);
      expect(probe.peak).toBeLessThanOrEqual(3);
      expect(mismatch).toBe(0);
      await eventually(() => probe.running === 0 && limiter.inFlight === 0, 'the handlers to finish and free their slots');
    });

    it('the lease outlives the client and is released when the handler ends', async () => {
      const { guard, free } = leases(1, '1m');
      const { url, probe } = await start(guard);
      await leaveMidHandler(`${url}/gate`, probe);
      // The client hung up, the handler is still at work: the lease stays, others are denied.
      expect(await free()).toBe(0);
      expect(await get(`${url}/work?ms=0`)).toBe(429);
      probe.open();
      await eventually(async () => (await free()) === 1, 'the lease released when the handler ended');
      expect(probe.running).toBe(0);
      expect(probe.entries).toBe(1);
    });

    it('a handler that never ends after its client left keeps the lease at most leaseMs', async () => {
      const { guard, free } = leases(1, 600);
      const { url, probe } = await start(guard);
      await leaveMidHandler(`${url}/never`, probe);
      expect(await free()).toBe(0);
      await eventually(async () => (await free()) === 1, 'the lease to lapse');
      expect(probe.running).toBe(1);
    });

    it('the slot outlives the client, is released when the handler ends, and gives a latency sample', async () => {
      let clockReads = 0;
      const limiter = createAdaptiveLimiter({ minLimit: 1, initialLimit: 1, maxLimit: 1, criticalReserve: 0, sheddableReserve: 0, clock: () => ++clockReads });
      const { url, probe } = await start({ kind: 'loadShedding', limiter });
      await leaveMidHandler(`${url}/gate`, probe);
      expect(limiter.inFlight).toBe(1);
      expect(await get(`${url}/work?ms=0`)).toBe(503);
      const reads = clockReads; // admission read the clock once; release reads it once more for the sample
      probe.open();
      await eventually(() => limiter.inFlight === 0, 'the slot released when the handler ended');
      expect(clockReads).toBe(reads + 1);
    });

    it('a handler that never ends after its client left gives its slot up after the grace period', async () => {
      const limiter = fixedLimiter(1);
      const { url, probe } = await start({ kind: 'loadShedding', limiter });
      await leaveMidHandler(`${url}/never`, probe);
      expect(limiter.inFlight).toBe(1);
      await eventually(() => limiter.inFlight === 0, 'the grace period to run out');
      expect(probe.running).toBe(1);
    });

    it('a leaky-bucket hold whose client left gives the charged cost back (the route does not run)', async () => {
      const store = new MemoryStore();
      const policies = [leakyBucket({ name: 'shape', capacity: 100, leakPerSecond: 100 }), fixedWindow({ name: 'total', limit: 1000, window: '1h' })];
      const watcher = createLimiter({ store, policies });
      const { url, probe } = await start({ kind: 'rateLimit', store, policies });
      expect(await get(`${url}/work?ms=0`, { 'x-cost': '50' })).toBe(200);
      // 40 more units wait about 500 ms for the first 50 to leak; this client leaves after 50 ms.
      expect(await getAborting(`${url}/work?ms=0`, 50, { 'x-cost': '40' })).toBe(0);
      expect((await watcher.peek('one')).results[1]?.remaining).toBe(910);
      await eventually(async () => (await watcher.peek('one')).results[1]?.remaining === 950, 'the refund of the abandoned hold');
      // The bucket got its 40 units back too: 90 queued, 50 or more leaked by the end of the hold, 40 refunded.
      expect((await watcher.peek('one')).results[0]?.remaining).toBe(100);
      expect(probe.entries).toBe(1);
    });
  });
}

/** Requests `url`, waits for its handler, hangs up and waits until the server saw the response close. */
async function leaveMidHandler(url: string, probe: Probe): Promise<void> {
  const request = open(url);
  await eventually(() => probe.entries >= 1, 'the handler');
  request.abort();
  await request.status;
  await probe.closed(0);
}
