// docs/migration/fastify-rate-limit.md, checked: the guide's before app (@fastify/rate-limit) and
// after app (Sluice) side by side, driven with inject() until they limit, and each also started on
// 127.0.0.1 (port 0) and asked once over a real socket.
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type LightMyRequestResponse } from 'fastify';
import { fixedWindow } from '@sluice/core';
import { keys, rateLimit } from '../src/index.js';

// Loaded by a computed name: its types augment FastifyInstance with a `rateLimit` of their own,
// which would clash with Sluice's augmentation in the typecheck.
const PEER: string = '@fastify/rate-limit';
const APPS = path.resolve(__dirname, '../../../examples/migration/fastify-rate-limit');
type AppFile = 'before.js' | 'after.js';

const apps: FastifyInstance[] = [];
async function build(file: AppFile): Promise<FastifyInstance> {
  const { buildApp } = (await import(path.join(APPS, file))) as { buildApp: () => Promise<FastifyInstance> };
  const app = await buildApp();
  apps.push(app);
  return app;
}
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/** Sends `method url` until the first 429 (at most `max` requests); every response, in order. */
async function untilLimited(app: FastifyInstance, url: string, method: 'GET' | 'POST' = 'GET', max = 10): Promise<LightMyRequestResponse[]> {
  const responses: LightMyRequestResponse[] = [];
  for (let i = 0; i < max; i++) {
    const response = await app.inject({ method, url, remoteAddress: '192.0.2.1' });
    responses.push(response);
    if (response.statusCode === 429) break;
  }
  return responses;
}

describe('@fastify/rate-limit -> Sluice: the guide apps', () => {
  test.each(['before.js', 'after.js'] as const)('%s listens on 127.0.0.1 and answers over a real socket', async (file) => {
    const app = await build(file);
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${address}/`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ hello: 'world' });
  });

  test('both admit 5 a minute, then 429; X-RateLimit-* and a Fastify error body before, draft-10 and problem+json after', async () => {
    const before = await untilLimited(await build('before.js'), '/');
    const after = await untilLimited(await build('after.js'), '/');
    for (const responses of [before, after]) {
      expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200, 429]);
      const retryAfter = Number(responses[5]!.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }

    expect(before[0]!.headers['x-ratelimit-limit']).toBe('5');
    expect(before[0]!.headers['x-ratelimit-remaining']).toBe('4');
    expect(Number(before[0]!.headers['x-ratelimit-reset'])).toBeLessThanOrEqual(60); // seconds from now
    expect(before[0]!.headers['ratelimit-policy']).toBeUndefined();
    expect(before[5]!.json()).toEqual({ statusCode: 429, error: 'Too Many Requests', message: 'Rate limit exceeded, retry in 1 minute' });

    expect(after[0]!.headers['ratelimit-policy']).toBe('"minute";q=5;w=60');
    expect(after[0]!.headers['ratelimit']).toMatch(/^"minute";r=4;t=(59|60)$/);
    expect(after[0]!.headers['x-ratelimit-limit']).toBeUndefined();
    expect(after[5]!.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(after[5]!.json()).toMatchObject({ status: 429, 'violated-policies': ['minute'] });
  });

  test("a route's own config replaces the plugin's limit; rateLimit: false exempts a route (both)", async () => {
    for (const file of ['before.js', 'after.js'] as const) {
      const app = await build(file);
      const login = await untilLimited(app, '/login', 'POST');
      expect({ file, statuses: login.map((r) => r.statusCode) }).toEqual({ file, statuses: [200, 200, 200, 429] });
      // The 4 login requests did not spend the plugin's 5.
      const root = await untilLimited(app, '/');
      expect({ file, statuses: root.map((r) => r.statusCode) }).toEqual({ file, statuses: [200, 200, 200, 200, 200, 429] });
      const health = await untilLimited(app, '/health', 'GET', 8);
      expect(health).toHaveLength(8);
      for (const response of health) {
        expect(response.statusCode).toBe(200);
        expect(response.headers['retry-after']).toBeUndefined();
      }
    }
  });

  test('not-found responses: unlimited before, counted and limited after', async () => {
    const before = await untilLimited(await build('before.js'), '/missing', 'GET', 7);
    expect(before.map((r) => r.statusCode)).toEqual([404, 404, 404, 404, 404, 404, 404]);
    expect(before[0]!.headers['x-ratelimit-limit']).toBeUndefined();

    const after = await untilLimited(await build('after.js'), '/missing', 'GET', 7);
    expect(after.map((r) => r.statusCode)).toEqual([404, 404, 404, 404, 404, 429]);
    expect(after[0]!.headers['ratelimit-policy']).toBe('"minute";q=5;w=60');
  });
});

describe('@fastify/rate-limit -> Sluice: keeping what clients already read', () => {
  async function sluiceApp(options: { headers?: 'draft-6' | false; legacyHeaders?: boolean }): Promise<FastifyInstance> {
    const app = Fastify();
    apps.push(app);
    await app.register(rateLimit, { policies: [fixedWindow({ limit: 5, window: '1m' })], ...options });
    app.get('/', async () => ({ hello: 'world' }));
    return app;
  }

  test("headers: 'draft-6' sends the RateLimit-Limit/-Remaining/-Reset of enableDraftSpec (plus RateLimit-Policy)", async () => {
    const peer = Fastify();
    apps.push(peer);
    const peerPlugin = ((await import(PEER)) as { default: FastifyPluginAsync<Record<string, unknown>> }).default;
    await peer.register(peerPlugin, { max: 5, timeWindow: '1 minute', enableDraftSpec: true });
    peer.get('/', async () => ({ hello: 'world' }));
    const before = await peer.inject({ url: '/' });
    const app = await sluiceApp({ headers: 'draft-6' });
    const after = await app.inject({ url: '/' });
    for (const response of [before, after]) {
      expect(response.headers['ratelimit-limit']).toBe('5');
      expect(response.headers['ratelimit-remaining']).toBe('4');
      expect(Number(response.headers['ratelimit-reset'])).toBeLessThanOrEqual(60); // seconds from now in both
      expect(Number(response.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(59);
    }
    expect(before.headers['ratelimit-policy']).toBeUndefined();
    expect(after.headers['ratelimit-policy']).toBe('5;w=60');
  });

  test('legacyHeaders: true sends x-ratelimit-*, but Reset is an epoch time, not seconds from now', async () => {
    const app = await sluiceApp({ headers: false, legacyHeaders: true });
    const response = await app.inject({ url: '/' });
    expect(response.headers['x-ratelimit-limit']).toBe('5');
    expect(response.headers['x-ratelimit-remaining']).toBe('4');
    expect(Number(response.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
    expect(response.headers['ratelimit']).toBeUndefined();
  });
});

describe('@fastify/rate-limit -> Sluice: routes with the same limit', () => {
  async function peerApp(): Promise<FastifyInstance> {
    const app = Fastify();
    apps.push(app);
    const peerPlugin = ((await import(PEER)) as { default: FastifyPluginAsync<Record<string, unknown>> }).default;
    await app.register(peerPlugin, { global: false });
    const config = { rateLimit: { max: 2, timeWindow: '1 minute' } };
    app.get('/a', { config }, async () => 'a');
    app.get('/b', { config }, async () => 'b');
    return app;
  }

  async function sluiceApp(key?: ReturnType<typeof keys.ip>): Promise<FastifyInstance> {
    const app = Fastify();
    apps.push(app);
    await app.register(rateLimit, { global: false, policies: [fixedWindow({ limit: 2, window: '1m' })], ...(key ? { key } : {}) });
    const config = { rateLimit: { policies: [fixedWindow({ limit: 2, window: '1m' })] } };
    app.get('/a', { config }, async () => 'a');
    app.get('/b', { config }, async () => 'b');
    return app;
  }

  async function statuses(app: FastifyInstance): Promise<number[]> {
    const result: number[] = [];
    for (const url of ['/a', '/a', '/b', '/b']) result.push((await app.inject({ url, remoteAddress: '192.0.2.1' })).statusCode);
    return result;
  }

  test('before: each route counts apart; after: identical policies share one bucket unless the key holds the route', async () => {
    expect(await statuses(await peerApp())).toEqual([200, 200, 200, 200]);
    expect(await statuses(await sluiceApp())).toEqual([200, 200, 429, 429]);
    expect(await statuses(await sluiceApp(keys.ip({ route: true })))).toEqual([200, 200, 200, 200]);
  });
});

