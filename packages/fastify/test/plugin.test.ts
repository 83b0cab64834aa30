// Fastify-specific wiring the shared behaviour table cannot express: route config merging,
// HEAD routes, `global: false`, a shared limiter, and route config validation.
import type { AddressInfo } from 'node:net';
import { ErrorCodes, createLimiter, fixedWindow, type Decision } from '@sluice/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { FailingStore, httpGet } from '../../../test/adapter-behaviour/index.js';
import { keys, rateLimit, type FastifyRateLimitPluginOptions } from '../src/index.js';

const minute = (limit: number, name = 'minute') => fixedWindow({ name, limit, window: '1m' });

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function start(options: FastifyRateLimitPluginOptions, addRoutes: (app: FastifyInstance) => void) {
  const app = Fastify();
  apps.push(app);
  await app.register(rateLimit, options);
  addRoutes(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return (path: string, method = 'GET', headers: Record<string, string> = {}) => httpGet(base, path, headers, method);
}

describe('@sluice/fastify plugin', () => {
  it('a route override that only changes cost spends from the plugin budget', async () => {
    const send = await start({ policies: [minute(10)] }, (app) => {
      app.get('/cheap', async () => ({}));
      app.get('/export', { config: { rateLimit: { cost: () => 5 } } }, async () => ({}));
    });
    expect((await send('/cheap')).headers['ratelimit']).toBe('"minute";r=9;t=60');
    expect((await send('/export')).headers['ratelimit']).toBe('"minute";r=4;t=60');
    expect((await send('/export')).status).toBe(429);
    expect((await send('/cheap')).headers['ratelimit']).toBe('"minute";r=3;t=60');
  });

  it('a GET route and its automatic HEAD route share one bucket', async () => {
    const send = await start({ policies: [minute(100)] }, (app) => {
      app.get('/login', { config: { rateLimit: { policies: [minute(2, 'login')] } } }, async () => ({}));
    });
    expect((await send('/login', 'HEAD')).headers['ratelimit']).toBe('"login";r=1;t=60');
    expect((await send('/login')).headers['ratelimit']).toBe('"login";r=0;t=60');
    expect((await send('/login', 'HEAD')).status).toBe(429);
  });

  it('with global: false only routes with config.rateLimit are limited, inheriting plugin options', async () => {
    const send = await start({ global: false, headers: 'draft-7' }, (app) => {
      app.get('/open', async () => ({}));
      app.get('/limited', { config: { rateLimit: { policies: [minute(1)] } } }, async () => ({}));
    });
    expect((await send('/open')).headers['ratelimit']).toBeUndefined();
    expect((await send('/limited')).headers['ratelimit']).toBe('limit=1, remaining=0, reset=60');
  });

  it('accepts a limiter built elsewhere; request.rateLimit carries the decision', async () => {
    const limiter = createLimiter({ policies: [minute(3)], prefix: 'shared' });
    const send = await start({ limiter, key: keys.ip({ route: true }) }, (app) => {
      app.get('/items/:id', async (request) => {
        const decision: Decision | null = request.rateLimit;
        return { remaining: decision?.remaining };
      });
    });
    expect((await send('/items/1')).body).toEqual({ remaining: 2 });
    expect((await send('/items/2')).body).toEqual({ remaining: 1 });
  });

  it("a route with its own policies inherits the plugin limiter's store, failure policy and timeout", async () => {
    const limiter = createLimiter({ store: new FailingStore(), policies: [minute(10)], onStoreError: 'deny', timeoutMs: 50 });
    const send = await start({ limiter }, (app) => {
      app.get('/login', { config: { rateLimit: { policies: [minute(2, 'login')] } } }, async () => ({}));
    });
    const response = await send('/login');
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
  });

  it('validates route config when the route is registered', async () => {
    const app = Fastify();
    apps.push(app);
    await app.register(rateLimit, { policies: [minute(1)] });
    expect(() => app.get('/x', { config: { rateLimit: { cots: () => 2 } as never } }, async () => ({}))).toThrow(
      expect.objectContaining({ code: ErrorCodes.UNKNOWN_OPTION, option: 'cots' }),
    );
    expect(() =>
      // @ts-expect-error -- the module augmentation types route config: 'draft-8' is no header format
      app.get('/w', { config: { rateLimit: { headers: 'draft-8' } } }, async () => ({})),
    ).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION, option: 'headers' }));
    expect(() => app.get('/y', { config: { rateLimit: 'on' as never } }, async () => ({}))).toThrow(
      expect.objectContaining({ code: ErrorCodes.INVALID_OPTION, option: 'config.rateLimit' }),
    );
  });

  it('refuses plugin options it does not know, and a non-boolean global', async () => {
    for (const [options, option] of [
      [{ policies: [minute(1)], max: 100 }, 'max'],
      [{ policies: [minute(1)], global: 'yes' }, 'global'],
    ] as const) {
      const app = Fastify();
      apps.push(app);
      await expect(app.register(rateLimit, options as never).ready()).rejects.toMatchObject({ option });
    }
  });
});
