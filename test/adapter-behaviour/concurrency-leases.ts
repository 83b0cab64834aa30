// Concurrency leases through each adapter, on real servers on 127.0.0.1: a lease is released
// however the response ends (finished, thrown handler, client gone), and the in-flight count
// the handlers see never exceeds the limit. Waits poll the store's state; nothing asserts a duration.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { concurrency, createLimiter, MemoryStore, type Policy, type Store } from '@sluice/core';

export interface LeaseAppOptions {
  store: Store;
  policies: Policy[];
}

/** What the handlers report: a request entered or left `/slow`, or arrived at `/hang`. */
export interface LeaseProbe {
  entered(): void;
  left(): void;
  arrived(): void;
}

/**
 * A server limited by `rateLimit({ ...options, key: () => 'one' })` (one key for every client)
 * with routes: GET /slow?ms=N (waits N ms between probe.entered and probe.left, then 200),
 * GET /throw (the handler throws; the framework answers 500), GET /hang (probe.arrived, then
 * never answers).
 */
export interface LeaseHarness {
  name: string;
  start(options: LeaseAppOptions, probe: LeaseProbe): Promise<{ url: string; close(): Promise<void> }>;
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
}

function get(url: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Polls `check` every 10 ms until it holds (bounded by the test's timeout). */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 10));
}

export function runConcurrencyLeases(harness: LeaseHarness): void {
  describe(`${harness.name}: concurrency leases`, () => {
    const closers: Array<() => Promise<void>> = [];
    afterEach(async () => {
      await Promise.all(closers.splice(0).map((close) => close()));
    });

    async function start(limit: number, leaseMs = 60_000) {
      const store = new MemoryStore();
      const policies = [concurrency({ name: 'inflight', limit, leaseMs })];
      let inFlight = 0;
      let peak = 0;
      const arrivals: Array<() => void> = [];
      const probe: LeaseProbe = {
        entered() {
          inFlight++;
          if (inFlight > peak) peak = inFlight;
        },
        left() {
          inFlight--;
        },
        arrived() {
          for (const resolve of arrivals.splice(0)) resolve();
        },
      };
      const app = await harness.start({ store, policies }, probe);
      closers.push(() => app.close());
      const watcher = createLimiter({ store, policies });
      const free = async () => (await watcher.peek('one')).remaining;
      return { url: app.url, free, peak: () => peak, arrived: () => new Promise<void>((resolve) => arrivals.push(resolve)) };
    }

    it('admits at most the limit at once, answers the rest 429 with qu="concurrent-requests", and releases every lease', async () => {
      const app = await start(3);
      const replies = await Promise.all(Array.from({ length: 20 }, () => get(`${app.url}/slow?ms=40`)));
      const admitted = replies.filter((reply) => reply.status === 200);
      const denied = replies.filter((reply) => reply.status === 429);
      expect(admitted.length).toBeGreaterThanOrEqual(3);
      expect(admitted.length + denied.length).toBe(20);
      expect(denied.length).toBeGreaterThan(0);
      expect(app.peak()).toBeGreaterThan(0);
      expect(app.peak()).toBeLessThanOrEqual(3);
      for (const reply of denied) {
        expect(reply.headers['ratelimit-policy']).toBe('"inflight";q=3;qu="concurrent-requests"');
        expect(Number(reply.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
      await eventually(async () => (await app.free()) === 3);
    });

    it('releases the lease when the handler throws', async () => {
      const app = await start(1);
      expect((await get(`${app.url}/throw`)).status).toBe(500);
      await eventually(async () => (await app.free()) === 1);
      expect((await get(`${app.url}/slow?ms=0`)).status).toBe(200);
    });

    // The lease is held until the handler is done (handler-done.ts has the detailed cases): /hang
    // never answers (Koa's ends when the socket closes), so its lease lapses leaseMs after the client left.
    it('frees the lease after the client goes away and the handler stops, or leaseMs later if it never answers', async () => {
      const app = await start(1, 500);
      const arrived = app.arrived();
      const req = httpRequest(`${app.url}/hang`, { agent: false });
      req.on('error', () => {}); // the hang-up is the point
      req.end();
      await arrived;
      expect(await app.free()).toBe(0);
      expect((await get(`${app.url}/slow?ms=0`)).status).toBe(429);
      req.destroy();
      await eventually(async () => (await app.free()) === 1);
      expect((await get(`${app.url}/slow?ms=0`)).status).toBe(200);
    });
  });
}
