// The adapter behaviour spec, written once and run against Express, Koa and Fastify.
// Time is a fake clock inside the store (FakeClockStore), so long windows need no sleeping;
// only leaky-bucket holds use real timers, and those tests assert order, never durations.
import { request as httpRequest } from 'node:http';
import { ErrorCodes, fixedWindow, leakyBucket, tokenBucket, type SluiceWarning } from '@sluice/core';
import type { AdapterHarness, AppSpec, RequestLike, TestApp, TestResponse } from './harness.js';
import { FailingStore, FakeClockStore } from './test-stores.js';
import { runShadowRows } from './shadow-rows.js';

const QUOTA_EXCEEDED = 'https://iana.org/assignments/http-problem-types#quota-exceeded';
const REDUCED_CAPACITY = 'https://iana.org/assignments/http-problem-types#temporary-reduced-capacity';

/** Sends a GET over a real socket and hangs up as soon as the server has seen it. */
function abandonRequest(app: TestApp, base: string, id: string): Promise<void> {
  const request = httpRequest(`${base}/`, { headers: { 'x-request-id': id } });
  request.on('error', () => {}); // the hang-up is the point
  request.end();
  return app.events.waitFor(`arrived ${id}`).then(() => {
    request.destroy();
  });
}

export function runAdapterBehaviour(harness: AdapterHarness): void {
  describe(`${harness.name} adapter behaviour`, () => {
    const apps: TestApp[] = [];
    let clock: FakeClockStore;

    async function build(spec: AppSpec): Promise<TestApp> {
      const app = await harness.build(spec);
      apps.push(app);
      return app;
    }

    beforeEach(() => {
      clock = new FakeClockStore();
    });

    afterEach(async () => {
      await Promise.all(apps.splice(0).map((app) => app.close()));
      clock.close();
    });

    runShadowRows(build, () => clock);

    const minute = (limit: number) => fixedWindow({ name: 'minute', limit, window: '1m' });
    const get = (app: TestApp, headers?: Record<string, string>, path = '/'): Promise<TestResponse> => app.request({ path, headers });

    describe('statuses and draft-10 headers', () => {
      it('admits requests under the limit, with RateLimit-Policy and RateLimit, and exposes the decision', async () => {
        const app = await build({ global: { store: clock, policies: [minute(3)] } });
        const first = await get(app);
        expect(first.status).toBe(200);
        expect(first.headers['ratelimit-policy']).toBe('"minute";q=3;w=60');
        expect(first.headers['ratelimit']).toBe('"minute";r=2;t=60');
        expect(first.headers['retry-after']).toBeUndefined();
        expect(first.body.rateLimit).toMatchObject({ allowed: true, limit: 3, remaining: 2, policy: 'minute', delayMs: 0 });

        clock.advance(30_000);
        const second = await get(app);
        expect(second.headers['ratelimit']).toBe('"minute";r=1;t=30');
      });

      it('denies with 429, Retry-After no earlier than t, and a problem+json body naming the policy', async () => {
        const app = await build({ global: { store: clock, policies: [minute(2)] } });
        await get(app, { 'x-request-id': 'one' });
        await get(app, { 'x-request-id': 'two' });
        clock.advance(20_500);
        const denied = await get(app, { 'x-request-id': 'three' });
        expect(denied.status).toBe(429);
        expect(denied.headers['retry-after']).toBe('40');
        expect(denied.headers['ratelimit']).toBe('"minute";r=0;t=40');
        expect(denied.headers['ratelimit-policy']).toBe('"minute";q=2;w=60');
        expect(denied.headers['content-type']).toBe('application/problem+json; charset=utf-8'); // the same in all three adapters
        expect(denied.body).toEqual({
          type: QUOTA_EXCEEDED,
          title: 'Quota Exceeded',
          status: 429,
          detail: 'Quota of policy "minute" exceeded; retry in 40 seconds.',
          'violated-policies': ['minute'],
          policy: 'minute',
          retryAfter: 40,
        });
        expect(app.events.entries).toContain('handled two');
        expect(app.events.entries).not.toContain('handled three');
      });

      it('lists every policy, charges none when one denies, and names the violated one', async () => {
        const burst = tokenBucket({ name: 'burst', capacity: 2, refillPerSecond: 1 });
        const hourly = fixedWindow({ name: 'hourly', limit: 100, window: '1h' });
        const app = await build({ global: { store: clock, policies: [burst, hourly] } });
        const first = await get(app);
        expect(first.headers['ratelimit-policy']).toBe('"burst";q=2;w=2, "hourly";q=100;w=3600');
        expect(first.headers['ratelimit']).toBe('"burst";r=1;t=1, "hourly";r=99;t=3600');
        const second = await get(app);
        expect(second.headers['ratelimit']).toBe('"burst";r=0;t=2, "hourly";r=98;t=3600');
        const denied = await get(app);
        expect(denied.status).toBe(429);
        expect(denied.headers['retry-after']).toBe('1');
        expect(denied.headers['ratelimit']).toBe('"burst";r=0;t=1, "hourly";r=98;t=3600');
        expect(denied.body).toMatchObject({ policy: 'burst', 'violated-policies': ['burst'], retryAfter: 1 });
      });

      it('answers a cost no policy can ever admit with 429, no Retry-After and a detail saying so', async () => {
        const app = await build({
          global: { store: clock, policies: [minute(10)], cost: (req: RequestLike) => Number(req.headers['x-cost'] ?? 1) },
        });
        const never = await get(app, { 'x-cost': '11' });
        expect(never.status).toBe(429);
        expect(never.headers['retry-after']).toBeUndefined();
        expect(never.headers['ratelimit']).toBe('"minute";r=10;t=0');
        expect(never.body.detail).toBe(
          'This request costs 11, more than policy "minute" admits at all (quota 10); it can never pass, so retrying will not help.',
        );
        expect(never.body.retryAfter).toBeUndefined();
      });
    });

    describe('header formats', () => {
      it("'draft-7': one RateLimit dictionary and RateLimit-Policy for the binding policy", async () => {
        const app = await build({ global: { store: clock, policies: [minute(2)], headers: 'draft-7' } });
        const first = await get(app);
        expect(first.headers['ratelimit-policy']).toBe('2;w=60');
        expect(first.headers['ratelimit']).toBe('limit=2, remaining=1, reset=60');
        await get(app);
        clock.advance(15_000);
        const denied = await get(app);
        expect(denied.status).toBe(429);
        expect(denied.headers['ratelimit']).toBe('limit=2, remaining=0, reset=45');
        expect(denied.headers['retry-after']).toBe('45');
      });

      it("'draft-6': RateLimit-Limit, -Remaining, -Reset and RateLimit-Policy", async () => {
        const app = await build({ global: { store: clock, policies: [minute(3)], headers: 'draft-6' } });
        const first = await get(app);
        expect(first.headers['ratelimit-limit']).toBe('3');
        expect(first.headers['ratelimit-remaining']).toBe('2');
        expect(first.headers['ratelimit-reset']).toBe('60');
        expect(first.headers['ratelimit-policy']).toBe('3;w=60');
        expect(first.headers['ratelimit']).toBeUndefined();
      });

      it('headers: false sends no RateLimit fields but keeps Retry-After; legacyHeaders adds X-RateLimit-*', async () => {
        const app = await build({ global: { store: clock, policies: [minute(1)], headers: false, legacyHeaders: true } });
        const before = Date.now();
        const first = await get(app);
        const after = Date.now();
        expect(first.headers['ratelimit']).toBeUndefined();
        expect(first.headers['ratelimit-policy']).toBeUndefined();
        expect(first.headers['x-ratelimit-limit']).toBe('1');
        expect(first.headers['x-ratelimit-remaining']).toBe('0');
        const reset = Number(first.headers['x-ratelimit-reset']);
        expect(reset).toBeGreaterThanOrEqual(Math.ceil(before / 1000) + 60);
        expect(reset).toBeLessThanOrEqual(Math.ceil(after / 1000) + 60);
        const denied = await get(app);
        expect(denied.status).toBe(429);
        expect(denied.headers['retry-after']).toBe('60');
        expect(denied.headers['ratelimit']).toBeUndefined();
      });
    });

    describe('skip, cost and refund', () => {
      it('skip lets a request through uncounted and without headers', async () => {
        const app = await build({
          global: { store: clock, policies: [minute(3)], skip: (req: RequestLike) => req.headers['x-internal'] === 'yes' },
        });
        const skipped = await get(app, { 'x-internal': 'yes' });
        expect(skipped.status).toBe(200);
        expect(skipped.headers['ratelimit']).toBeUndefined();
        expect(skipped.body.rateLimit).toBeNull();
        expect((await get(app)).headers['ratelimit']).toBe('"minute";r=2;t=60');
      });

      it('cost charges that many units, and a cost larger than what is left is denied until it fits', async () => {
        const app = await build({
          global: { store: clock, policies: [minute(10)], cost: (req: RequestLike) => Number(req.headers['x-cost'] ?? 1) },
        });
        expect((await get(app, { 'x-cost': '4' })).headers['ratelimit']).toBe('"minute";r=6;t=60');
        const tooMuch = await get(app, { 'x-cost': '7' });
        expect(tooMuch.status).toBe(429);
        expect(tooMuch.headers['ratelimit']).toBe('"minute";r=6;t=60');
        expect(tooMuch.headers['retry-after']).toBe('60');
        expect((await get(app, { 'x-cost': '6' })).headers['ratelimit']).toBe('"minute";r=0;t=60');
      });

      it('refund gives the cost back after responses it accepts (count only failed logins)', async () => {
        const app = await build({ global: { store: clock, policies: [minute(2)], refund: (status) => status < 400 } });
        for (let i = 0; i < 4; i++) expect((await get(app, {}, '/?status=200')).status).toBe(200);
        expect((await get(app, {}, '/?status=401')).status).toBe(401);
        expect((await get(app, {}, '/?status=401')).status).toBe(401);
        const denied = await get(app, {}, '/?status=200');
        expect(denied.status).toBe(429);
      });
    });

    describe('per route and per request', () => {
      it('a route can carry its own limit, and a route can be left unlimited', async () => {
        const app = await build({
          global: { store: clock, policies: [fixedWindow({ name: 'global', limit: 100, window: '1m' })] },
          routes: [
            { path: '/' },
            { path: '/login', rateLimit: { store: clock, policies: [fixedWindow({ name: 'login', limit: 1, window: '1m' })] } },
            { path: '/health', rateLimit: false },
          ],
        });
        const login = await get(app, {}, '/login');
        expect(login.headers['ratelimit-policy']).toBe('"login";q=1;w=60');
        expect((await get(app, {}, '/login')).status).toBe(429);
        const home = await get(app);
        expect(home.status).toBe(200);
        expect(home.headers['ratelimit']).toBe('"global";r=99;t=60');
        for (let i = 0; i < 3; i++) {
          const health = await get(app, {}, '/health');
          expect(health.status).toBe(200);
          expect(health.headers['ratelimit-policy']).toBeUndefined();
        }
      });

      it('policies chosen per request (asynchronously) give a free and a paid client different limits', async () => {
        const free = [fixedWindow({ name: 'free', limit: 2, window: '1m' })];
        const paid = [fixedWindow({ name: 'paid', limit: 5, window: '1m' })];
        const plans: Record<string, string> = { 'key-free': 'free', 'key-paid': 'paid' };
        const app = await build({
          global: {
            store: clock,
            key: (req: RequestLike) => `api-key=${String(req.headers['x-api-key'])}`,
            policies: async (req: RequestLike) => (plans[String(req.headers['x-api-key'])] === 'paid' ? paid : free),
          },
        });
        const statuses = async (apiKey: string, count: number) => {
          const out: number[] = [];
          for (let i = 0; i < count; i++) out.push((await get(app, { 'x-api-key': apiKey })).status);
          return out;
        };
        expect(await statuses('key-free', 3)).toEqual([200, 200, 429]);
        expect(await statuses('key-paid', 6)).toEqual([200, 200, 200, 200, 200, 429]);
        expect((await get(app, { 'x-api-key': 'key-paid' })).headers['ratelimit-policy']).toBe('"paid";q=5;w=60');
      });

      it('a custom key function decides the bucket', async () => {
        const app = await build({
          global: { store: clock, policies: [minute(1)], key: (req: RequestLike) => `user=${String(req.headers['x-user'])}` },
        });
        expect((await get(app, { 'x-user': 'ada' })).status).toBe(200);
        expect((await get(app, { 'x-user': 'ada' })).status).toBe(429);
        expect((await get(app, { 'x-user': 'grace' })).status).toBe(200);
      });

      it('onLimited replaces the problem body; the headers stay', async () => {
        const app = await build({ global: { store: clock, policies: [minute(1)], onLimited: 'custom' } });
        await get(app);
        const denied = await get(app);
        expect(denied.status).toBe(429);
        expect(denied.body).toEqual({ custom: true, policy: 'minute' });
        expect(denied.headers['retry-after']).toBe('60');
        expect(denied.headers['ratelimit']).toBe('"minute";r=0;t=60');
      });
    });

    describe('client IP', () => {
      it('groups IPv6 clients by /64: 2001:db8::1 and 2001:db8::ffff share a bucket, 2001:db9::1 does not', async () => {
        const app = await build({ trustProxy: true, global: { store: clock, policies: [minute(3)] } });
        const from = (clientIp: string) => app.request({ path: '/', clientIp });
        expect((await from('2001:db8::1')).headers['ratelimit']).toBe('"minute";r=2;t=60');
        expect((await from('2001:db8::ffff')).headers['ratelimit']).toBe('"minute";r=1;t=60');
        expect((await from('2001:db9::1')).headers['ratelimit']).toBe('"minute";r=2;t=60');
      });

      it('unwraps IPv4-mapped IPv6, and ipv6Subnet: false keys each IPv6 address alone', async () => {
        const app = await build({ trustProxy: true, global: { store: clock, policies: [minute(3)], ipv6Subnet: false } });
        const from = (clientIp: string) => app.request({ path: '/', clientIp });
        expect((await from('10.0.0.1')).headers['ratelimit']).toBe('"minute";r=2;t=60');
        expect((await from('::ffff:10.0.0.1')).headers['ratelimit']).toBe('"minute";r=1;t=60');
        expect((await from('2001:db8::1')).headers['ratelimit']).toBe('"minute";r=2;t=60');
        expect((await from('2001:db8::ffff')).headers['ratelimit']).toBe('"minute";r=2;t=60');
      });

      it('ignores a spoofed X-Forwarded-For when proxies are not trusted, and warns once', async () => {
        const warnings: SluiceWarning[] = [];
        const app = await build({
          global: { store: clock, policies: [minute(3)], onWarning: (warning) => warnings.push(warning) },
        });
        expect((await get(app, { 'x-forwarded-for': '1.1.1.1' })).headers['ratelimit']).toBe('"minute";r=2;t=60');
        expect((await get(app, { 'x-forwarded-for': '2.2.2.2' })).headers['ratelimit']).toBe('"minute";r=1;t=60');
        expect((await get(app, { 'x-forwarded-for': '3.3.3.3' })).headers['ratelimit']).toBe('"minute";r=0;t=60');
        expect(warnings.map((warning) => warning.code)).toEqual(['SLUICE_UNTRUSTED_FORWARDED_FOR']);
      });

      it('honours trust proxy: X-Forwarded-For from the trusted proxy names the client', async () => {
        const warnings: SluiceWarning[] = [];
        const app = await build({
          trustProxy: true,
          global: { store: clock, policies: [minute(3)], onWarning: (warning) => warnings.push(warning) },
        });
        expect((await get(app, { 'x-forwarded-for': '1.1.1.1' })).headers['ratelimit']).toBe('"minute";r=2;t=60');
        expect((await get(app, { 'x-forwarded-for': '2.2.2.2' })).headers['ratelimit']).toBe('"minute";r=2;t=60');
        expect((await get(app, { 'x-forwarded-for': '1.1.1.1' })).headers['ratelimit']).toBe('"minute";r=1;t=60');
        expect(warnings).toEqual([]);
      });

      it('a request whose client IP is gone fails with ERR_SLUICE_NO_CLIENT_KEY, never a shared bucket', async () => {
        const app = await build({
          global: { store: clock, policies: [minute(3)] },
          routes: [{ path: '/', waitForClientToLeave: true }],
        });
        const base = await app.listen();
        await abandonRequest(app, base, 'ghost');
        await app.events.waitFor(`error ${ErrorCodes.NO_CLIENT_KEY}`);
        expect(app.events.entries).not.toContain('handled ghost');
      });
    });

    describe('leaky-bucket shaping', () => {
      const queue = () => leakyBucket({ name: 'queue', capacity: 5, leakPerSecond: 4 });

      it('holds an admitted request for its delay, then runs it', async () => {
        const app = await build({ global: { store: clock, policies: [queue()] } });
        const first = await get(app, { 'x-request-id': 'first' });
        expect(first.body.rateLimit.delayMs).toBe(0);
        const second = get(app, { 'x-request-id': 'second' });
        await app.events.waitFor('arrived second');
        // The limiter has decided by now; a request it did not hold would have been handled already.
        expect(app.events.entries).not.toContain('handled second');
        const response = await second;
        expect(response.status).toBe(200);
        expect(response.body.rateLimit.delayMs).toBe(250);
        expect(app.events.entries).toContain('handled second');
      });

      it('does not run a held request whose client hung up', async () => {
        const app = await build({ global: { store: clock, policies: [queue()] } });
        const base = await app.listen();
        await get(app, { 'x-request-id': 'first' });
        await abandonRequest(app, base, 'gone'); // held 250 ms
        await app.events.waitFor('closed gone');
        // Held 500 ms from later on: its timer fires after the abandoned one's.
        const later = await get(app, { 'x-request-id': 'later' });
        expect(later.status).toBe(200);
        expect(later.body.rateLimit.delayMs).toBe(500);
        expect(app.events.entries).toContain('handled later');
        expect(app.events.entries).not.toContain('handled gone');
      });
    });

    describe('holds longer than maxDelayMs', () => {
      // One unit a day: the second request would be held 24 hours (a timer Node would fire at once).
      const daily = () => leakyBucket({ name: 'daily', capacity: 30, leakPerSecond: 1 / 86_400 });

      it('are refused with 429 and a Retry-After for when the hold would fit, and charge nothing', async () => {
        const app = await build({ global: { store: clock, policies: [daily()] } });
        expect((await get(app)).body.rateLimit.delayMs).toBe(0);
        // Refused twice alike: the refused request gave its unit back (else the second would wait two days).
        for (const id of ['two', 'three']) {
          const refused = await get(app, { 'x-request-id': id });
          expect(refused.status).toBe(429);
          expect(refused.headers['retry-after']).toBe(String(86_400 - 10));
          expect(refused.body).toMatchObject({ policy: 'daily', 'violated-policies': ['daily'], retryAfter: 86_390 });
          expect(app.events.entries).not.toContain(`handled ${id}`);
        }
      });

      it('maxDelayMs sets the bound: 0 refuses every hold', async () => {
        const app = await build({ global: { store: clock, policies: [daily()], maxDelayMs: 0 } });
        await get(app);
        const refused = await get(app);
        expect(refused.status).toBe(429);
        expect(refused.headers['retry-after']).toBe('86400');
      });
    });

    describe('degraded decisions (the store is down)', () => {
      it("onStoreError 'allow': the request passes with RateLimit-Policy but no invented RateLimit figures", async () => {
        const app = await build({ global: { store: new FailingStore(), policies: [minute(3)], onStoreError: 'allow' } });
        const response = await get(app);
        expect(response.status).toBe(200);
        expect(response.headers['ratelimit-policy']).toBe('"minute";q=3;w=60');
        expect(response.headers['ratelimit']).toBeUndefined();
        expect(response.body.rateLimit).toMatchObject({ allowed: true, degraded: 'store-error', decidedBy: 'failure-policy' });
      });

      it("onStoreError 'deny': 503 temporary-reduced-capacity with Retry-After, not a quota 429", async () => {
        const app = await build({ global: { store: new FailingStore(), policies: [minute(3)], onStoreError: 'deny' } });
        const response = await get(app);
        expect(response.status).toBe(503);
        expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
        expect(response.headers['retry-after']).toBe('1');
        expect(response.headers['ratelimit']).toBeUndefined();
        expect(response.headers['ratelimit-policy']).toBe('"minute";q=3;w=60');
        expect(response.body).toMatchObject({ type: REDUCED_CAPACITY, status: 503, retryAfter: 1, degraded: 'store-error' });
        // Nothing was measured, so no policy was violated.
        expect(response.body).not.toHaveProperty('violated-policies');
      });

      it("a fallback store's denial is a quota 429 with that store's RateLimit figures and Retry-After", async () => {
        const app = await build({ global: { store: new FailingStore(), onStoreError: clock, policies: [minute(2)], onWarning: () => {} } });
        const first = await get(app);
        expect(first.status).toBe(200);
        expect(first.headers['ratelimit']).toBe('"minute";r=1;t=60');
        expect(first.body.rateLimit).toMatchObject({ decidedBy: 'fallback', degraded: 'store-error' });
        await get(app);
        clock.advance(20_500);
        const denied = await get(app);
        expect(denied.status).toBe(429);
        expect(denied.headers['retry-after']).toBe('40');
        expect(denied.headers['ratelimit']).toBe('"minute";r=0;t=40');
        expect(denied.headers['ratelimit-policy']).toBe('"minute";q=2;w=60');
        expect(denied.body).toMatchObject({ type: QUOTA_EXCEEDED, status: 429, 'violated-policies': ['minute'], retryAfter: 40 });
      });
    });

    describe('options are validated once, at startup', () => {
      it('an unknown option is refused with ERR_SLUICE_UNKNOWN_OPTION naming it', async () => {
        await expect(build({ global: { store: clock, polices: [minute(1)] } as never })).rejects.toMatchObject({
          code: ErrorCodes.UNKNOWN_OPTION,
          option: 'polices',
        });
      });

      it('a bad value is refused with a typed error naming the option', async () => {
        await expect(build({ global: { store: clock, policies: [minute(1)], headers: 'draft-8' as never } })).rejects.toMatchObject({
          code: ErrorCodes.INVALID_OPTION,
          option: 'headers',
        });
        await expect(build({ global: { store: clock, policies: [minute(1)], ipv6Subnet: 129 } })).rejects.toMatchObject({
          code: ErrorCodes.INVALID_OPTION,
          option: 'ipv6Subnet',
        });
        await expect(build({ global: { store: clock, policies: [] } })).rejects.toMatchObject({
          code: ErrorCodes.INVALID_OPTION,
          option: 'policies',
        });
      });

      it('null and wrong types are refused with the option named, never taken as the default', async () => {
        const bad: Array<[string, unknown]> = [
          ['maxDelayMs', -1],
          ['maxDelayMs', 2 ** 31],
          ['maxDelayMs', 1.5],
          ['maxDelayMs', null],
          ['maxDelayMs', '100'],
          ['key', null],
          ['cost', 5],
          ['refund', null],
          ['onCallbackError', 'log'],
          ['headers', null],
          ['legacyHeaders', null],
        ];
        for (const [option, value] of bad) {
          await expect(build({ global: { store: clock, policies: [minute(1)], [option]: value } })).rejects.toMatchObject({
            code: ErrorCodes.INVALID_OPTION,
            option,
          });
        }
      });
    });
  });
}
