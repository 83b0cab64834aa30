// allowList / denyList and server-side waiting (`wait`) through each adapter, on real servers on
// 127.0.0.1. Waits poll the middleware's `waiting` count; nothing asserts a duration.
import { request as httpRequest, type ClientRequest, type IncomingHttpHeaders } from 'node:http';
import { ALL_ALGORITHMS, concurrency, ErrorCodes, fixedWindow, MemoryStore, penalty, tokenBucket, type PolicyResult, type Store, type StoreRequest } from '@sluice/core';

/**
 * A server limited by `rateLimit(options)` with one route, GET /ok, whose handler calls
 * `handled()` and answers 200. `waiting()` reads the middleware's waiting count (Express and
 * Koa `middleware.waiting`, Fastify `fastify.rateLimit.waiting`).
 */
export interface AccessHarness {
  name: string;
  start(options: Record<string, unknown>, handled: () => void): Promise<{ url: string; waiting(): number; close(): Promise<void> }>;
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Polls `check` every 10 ms until it holds (bounded by the test's timeout). */
async function eventually(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** A MemoryStore that counts store calls (overriding consume also turns off the bound fast path). */
class CountingStore extends MemoryStore {
  calls = 0;
  override consume(request: StoreRequest): PolicyResult[] {
    this.calls++;
    return super.consume(request);
  }
}

/** A MemoryStore on a clock the test moves (every algorithm, the penalty included). */
class FakeClock implements Store {
  readonly algorithms = ALL_ALGORITHMS;
  nowMs = 1_700_000_000_000;
  private readonly inner = new MemoryStore();
  consume(request: StoreRequest): PolicyResult[] {
    return this.inner.consume({ ...request, nowMs: this.nowMs });
  }
  reset(key: string, policies: StoreRequest['policies']): void {
    this.inner.reset(key, policies);
  }
}

export function runAccessAndWaiting(harness: AccessHarness): void {
  describe(`${harness.name}: allowList, denyList and wait`, () => {
    const closers: Array<() => Promise<void>> = [];
    afterEach(async () => {
      await Promise.all(closers.splice(0).map((close) => close()));
    });

    async function start(options: Record<string, unknown>) {
      let handled = 0;
      const app = await harness.start(options, () => handled++);
      closers.push(() => app.close());
      return { ...app, handled: () => handled };
    }

    it('denyList (a CIDR range holding 127.0.0.1) answers 403 problem+json before any store call, without RateLimit headers', async () => {
      const store = new CountingStore();
      const app = await start({ store, policies: [fixedWindow({ limit: 5, window: '1m' })], denyList: ['10.0.0.0/8', '127.0.0.0/8'] });
      const reply = await get(`${app.url}/ok`);
      expect(reply.status).toBe(403);
      expect(reply.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(JSON.parse(reply.body)).toMatchObject({ status: 403, title: 'Forbidden' });
      expect(reply.headers['ratelimit']).toBeUndefined();
      expect(reply.headers['retry-after']).toBeUndefined();
      expect(store.calls).toBe(0);
      expect(app.handled()).toBe(0);
    });

    it('allowList (client keys) lets listed clients through uncounted and without headers; others are limited', async () => {
      const store = new CountingStore();
      const app = await start({
        store,
        policies: [fixedWindow({ limit: 1, window: '1m' })],
        key: (req: unknown) => headerOf(req, 'x-client') ?? 'anonymous',
        allowList: ['vip', '192.0.2.0/24'],
      });
      for (let i = 0; i < 3; i++) {
        const reply = await get(`${app.url}/ok`, { 'x-client': 'vip' });
        expect(reply.status).toBe(200);
        expect(reply.headers['ratelimit']).toBeUndefined();
      }
      expect(store.calls).toBe(0);
      expect((await get(`${app.url}/ok`, { 'x-client': 'other' })).status).toBe(200);
      expect((await get(`${app.url}/ok`, { 'x-client': 'other' })).status).toBe(429);
      expect(store.calls).toBe(2);
      expect(app.handled()).toBe(4);
    });

    it('the deny list wins over the allow list; list functions may be async and see the client key', async () => {
      const app = await start({
        policies: [fixedWindow({ limit: 1, window: '1m' })],
        key: (req: unknown) => headerOf(req, 'x-client') ?? 'anonymous',
        allowList: ['127.0.0.1'],
        denyList: async (_req: unknown, key: string) => key === 'banned',
      });
      expect((await get(`${app.url}/ok`, { 'x-client': 'banned' })).status).toBe(403);
      for (let i = 0; i < 3; i++) expect((await get(`${app.url}/ok`, { 'x-client': 'anyone' })).status).toBe(200);
    });

    it('penalty: a blocked client gets 429 with Retry-After and RateLimit t = the time left in the block', async () => {
      const store = new FakeClock();
      const app = await start({
        store,
        key: () => 'one',
        policies: [fixedWindow({ name: 'minute', limit: 1, window: '1m' }), penalty({ name: 'abuse', after: 2, within: '1m', blockFor: '15m' })],
      });
      expect((await get(`${app.url}/ok`)).status).toBe(200);
      const strike = await get(`${app.url}/ok`);
      expect([strike.status, strike.headers['retry-after']]).toEqual([429, '60']);
      expect(strike.headers['ratelimit']).toBe('"minute";r=0;t=60, "abuse";r=1;t=60');
      const blocking = await get(`${app.url}/ok`);
      expect([blocking.status, blocking.headers['retry-after']]).toEqual([429, '900']);
      expect(JSON.parse(blocking.body)).toMatchObject({ policy: 'abuse', retryAfter: 900 });
      store.nowMs += 5 * 60_000; // the minute policy would admit again; the block holds
      const blocked = await get(`${app.url}/ok`);
      expect([blocked.status, blocked.headers['retry-after']]).toEqual([429, '600']);
      expect(blocked.headers['ratelimit-policy']).toBe('"minute";q=1;w=60, "abuse";q=2;w=60');
      expect(blocked.headers['ratelimit']).toBe('"minute";r=1;t=0, "abuse";r=0;t=600');
      store.nowMs += 10 * 60_000;
      expect((await get(`${app.url}/ok`)).status).toBe(200);
      expect(app.handled()).toBe(2);
    });

    it('bad lists are typed errors naming the option', async () => {
      const policies = [fixedWindow({ limit: 1, window: '1m' })];
      await expect(start({ policies, allowList: ['ok', ''] })).rejects.toMatchObject({ code: ErrorCodes.INVALID_OPTION, option: 'allowList[1]' });
      await expect(start({ policies, denyList: ['10.0.0.0/33'] })).rejects.toMatchObject({ option: 'denyList[0]' });
      await expect(start({ policies, denyList: 'nobody' })).rejects.toMatchObject({ option: 'denyList' });
      await expect(start({ policies, wait: { maxWaitMs: 0 } })).rejects.toMatchObject({ option: 'wait.maxWaitMs' });
      await expect(start({ policies, wait: { maxWaitMs: 10, queue: 1 } })).rejects.toMatchObject({ code: ErrorCodes.UNKNOWN_OPTION, option: 'wait.queue' });
    });

    it('wait: requests beyond the quota wait for their turn and all succeed; none waits afterwards', async () => {
      const app = await start({ key: () => 'one', policies: [tokenBucket({ capacity: 1, refillPerSecond: 20 })], wait: { maxWaitMs: 5_000 } });
      const replies = await Promise.all(Array.from({ length: 4 }, () => get(`${app.url}/ok`)));
      expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200]);
      expect(app.handled()).toBe(4);
      expect(app.waiting()).toBe(0);
    });

    it('wait: under a concurrency policy, requests beyond the limit wait for a lease and all succeed', async () => {
      const app = await start({ key: () => 'one', policies: [concurrency({ limit: 1, leaseMs: '1m' })], wait: { maxWaitMs: 5_000 } });
      const replies = await Promise.all(Array.from({ length: 5 }, () => get(`${app.url}/ok`)));
      expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200, 200]);
      expect(app.handled()).toBe(5);
      expect(app.waiting()).toBe(0);
    });

    it('wait: beyond maxWaiting, or a wait longer than maxWaitMs, is refused at once with 429', async () => {
      const app = await start({ key: () => 'one', policies: [tokenBucket({ capacity: 1, refillPerSecond: 2 })], wait: { maxWaitMs: 5_000, maxWaiting: 1 } });
      expect((await get(`${app.url}/ok`)).status).toBe(200);
      const queued = get(`${app.url}/ok`);
      await eventually(() => app.waiting() === 1);
      const refused = await get(`${app.url}/ok`);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect((await queued).status).toBe(200);
      expect(app.waiting()).toBe(0);

      const slow = await start({ key: () => 'one', policies: [tokenBucket({ capacity: 1, refillPerSecond: 0.1 })], wait: { maxWaitMs: 1_000 } });
      expect((await get(`${slow.url}/ok`)).status).toBe(200);
      expect((await get(`${slow.url}/ok`)).status).toBe(429);
      expect(slow.waiting()).toBe(0);
    });

    it('wait: maxWaitingPerKey bounds one key while another key still waits', async () => {
      const app = await start({
        key: (req: unknown) => headerOf(req, 'x-client') ?? 'anonymous',
        policies: [tokenBucket({ capacity: 1, refillPerSecond: 2 })],
        wait: { maxWaitMs: 5_000, maxWaitingPerKey: 1 },
      });
      expect((await get(`${app.url}/ok`, { 'x-client': 'a' })).status).toBe(200);
      expect((await get(`${app.url}/ok`, { 'x-client': 'b' })).status).toBe(200);
      const queuedA = get(`${app.url}/ok`, { 'x-client': 'a' });
      await eventually(() => app.waiting() === 1);
      expect((await get(`${app.url}/ok`, { 'x-client': 'a' })).status).toBe(429);
      const queuedB = get(`${app.url}/ok`, { 'x-client': 'b' });
      await eventually(() => app.waiting() === 2);
      expect([(await queuedA).status, (await queuedB).status]).toEqual([200, 200]);
    });

    it('wait: a client that disconnects while waiting leaves the queue, and its route never runs', async () => {
      const app = await start({ key: () => 'one', policies: [tokenBucket({ capacity: 1, refillPerSecond: 0.2 })], wait: { maxWaitMs: 10_000 } });
      expect((await get(`${app.url}/ok`)).status).toBe(200);
      const req: ClientRequest = httpRequest(`${app.url}/ok`, { agent: false });
      req.on('error', () => {}); // the hang-up is the point
      req.end();
      await eventually(() => app.waiting() === 1);
      req.destroy();
      await eventually(() => app.waiting() === 0);
      expect(app.handled()).toBe(1);
    });
  });
}

/** A request header from Express/Fastify `req` or the Koa context (whose `get` reads headers). */
function headerOf(req: unknown, name: string): string | undefined {
  const headers = (req as { headers?: Record<string, string | undefined>; request?: { headers: Record<string, string | undefined> } }).headers;
  return (headers ?? (req as { request: { headers: Record<string, string | undefined> } }).request.headers)[name];
}
