// Item: global limiting covers every request Fastify answers (not-found handlers, routes declared
// before the plugin loaded); `fastify.rateLimit()` makes a hook for anywhere else; several plugin
// scopes merge their headers; route policy sets inherit every setting of the plugin's limiter.
import { createLimiter, fixedWindow, tokenBucket, type StoreError } from '@sluice/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { FailingStore } from '../../../test/adapter-behaviour/index.js';
import { rateLimit } from '../src/index.js';

const minute = (limit: number, name = 'minute') => fixedWindow({ name, limit, window: '1m' });

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

function newApp(): FastifyInstance {
  const app = Fastify();
  apps.push(app);
  return app;
}

const get = async (app: FastifyInstance, url: string) => {
  const response = await app.inject({ method: 'GET', url });
  return { status: response.statusCode, headers: response.headers, body: response.body };
};

describe('@sluice/fastify covers every request it answers', () => {
  it('limits the not-found handler, with headers', async () => {
    const app = newApp();
    await app.register(rateLimit, { policies: [minute(2)] });
    app.get('/', async () => ({}));
    const first = await get(app, '/no-such-route');
    expect(first.status).toBe(404);
    expect(first.headers['ratelimit']).toBe('"minute";r=1;t=60');
    expect((await get(app, '/')).headers['ratelimit']).toBe('"minute";r=0;t=60');
    expect((await get(app, '/also-missing')).status).toBe(429);
  });

  it('refunds not-found responses the plugin-wide hook limited, when refund says so', async () => {
    const app = newApp();
    await app.register(rateLimit, { policies: [minute(2)], refund: (status) => status === 404 });
    app.get('/', async () => ({}));
    for (let i = 0; i < 3; i++) expect((await get(app, '/missing')).headers['ratelimit']).toBe('"minute";r=1;t=60');
    expect((await get(app, '/')).headers['ratelimit']).toBe('"minute";r=1;t=60');
    expect((await get(app, '/')).headers['ratelimit']).toBe('"minute";r=0;t=60');
  });

  it("limits a scope's own not-found handler", async () => {
    const app = newApp();
    await app.register(rateLimit, { policies: [minute(1)] });
    await app.register(
      async (scope) => {
        scope.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ scoped: true }));
      },
      { prefix: '/api' },
    );
    expect((await get(app, '/api/nothing')).status).toBe(404);
    expect((await get(app, '/api/nothing')).status).toBe(429);
  });

  it('limits routes declared before the plugin finished loading, honouring their config', async () => {
    const app = newApp();
    app.get('/early', async () => ({}));
    app.get('/early-exempt', { config: { rateLimit: false } }, async () => ({}));
    app.get('/early-own', { config: { rateLimit: { policies: [minute(1, 'own')] } } }, async () => ({}));
    void app.register(rateLimit, { policies: [minute(2)] }); // not awaited: the next route comes first
    app.get('/late', async () => ({}));
    await app.ready();
    expect((await get(app, '/early')).headers['ratelimit']).toBe('"minute";r=1;t=60');
    expect((await get(app, '/late')).headers['ratelimit']).toBe('"minute";r=0;t=60');
    expect((await get(app, '/late')).status).toBe(429);
    expect((await get(app, '/early-own')).headers['ratelimit']).toBe('"own";r=0;t=60');
    expect((await get(app, '/early-own')).status).toBe(429);
    for (let i = 0; i < 3; i++) {
      const exempt = await get(app, '/early-exempt');
      expect(exempt.status).toBe(200);
      expect(exempt.headers['ratelimit-policy']).toBeUndefined();
    }
  });

  it('fastify.rateLimit() limits a not-found handler with global: false, once per request with global: true', async () => {
    const scoped = newApp();
    await scoped.register(rateLimit, { global: false, policies: [minute(1)] });
    scoped.setNotFoundHandler({ preHandler: scoped.rateLimit() }, async (_request, reply) => reply.code(404).send({}));
    scoped.get('/open', async () => ({}));
    expect((await get(scoped, '/missing')).headers['ratelimit']).toBe('"minute";r=0;t=60');
    expect((await get(scoped, '/missing')).status).toBe(429);
    expect((await get(scoped, '/open')).headers['ratelimit']).toBeUndefined();

    const global = newApp();
    await global.register(rateLimit, { policies: [minute(3)] });
    global.setNotFoundHandler({ preHandler: global.rateLimit() }, async (_request, reply) => reply.code(404).send({}));
    expect((await get(global, '/missing')).headers['ratelimit']).toBe('"minute";r=2;t=60');
  });

  it('fastify.rateLimit(options) can be awaited inside a handler (GraphQL resolvers, WebSocket handlers)', async () => {
    const app = newApp();
    await app.register(rateLimit, { global: false });
    const check = app.rateLimit({ policies: [minute(1, 'graphql')] });
    app.post('/graphql', async (request, reply) => {
      await check(request, reply);
      if (reply.sent) return reply;
      return { data: { remaining: request.rateLimit?.remaining } };
    });
    expect(JSON.parse((await app.inject({ method: 'POST', url: '/graphql' })).body)).toEqual({ data: { remaining: 0 } });
    const denied = await app.inject({ method: 'POST', url: '/graphql' });
    expect(denied.statusCode).toBe(429);
    expect(denied.headers['retry-after']).toBe('60');
  });

  it('validates fastify.rateLimit(options) when called', async () => {
    const app = newApp();
    await app.register(rateLimit, { global: false });
    expect(() => app.rateLimit({ polices: [] } as never)).toThrow(expect.objectContaining({ option: 'polices' }));
    expect(() => app.rateLimit(null as never)).toThrow(expect.objectContaining({ option: 'rateLimit()' }));
  });

  it('a plugin scope inside another merges its policies into the same headers', async () => {
    const app = newApp();
    await app.register(rateLimit, { policies: [tokenBucket({ name: 'burst', capacity: 5, refillPerSecond: 1 })] });
    await app.register(async (scope) => {
      await scope.register(rateLimit, { policies: [minute(2, 'login')] });
      scope.get('/login', async (request) => ({ policies: request.rateLimits?.map((decision) => decision.policy) }));
    });
    const response = await get(app, '/login');
    expect(response.headers['ratelimit-policy']).toBe('"burst";q=5;w=5, "login";q=2;w=60');
    expect(response.headers['ratelimit']).toBe('"burst";r=4;t=1, "login";r=1;t=60');
    expect(JSON.parse(response.body)).toEqual({ policies: ['burst', 'login'] });
  });
});

describe("@sluice/fastify routes inherit every setting of the plugin's limiter", () => {
  it('a route with its own policies, and one choosing policies per request, report to the limiter onError', async () => {
    const reported: StoreError[] = [];
    const limiter = createLimiter({
      store: new FailingStore(),
      policies: [minute(10)],
      onError: (error) => reported.push(error),
      onWarning: () => {},
    });
    const app = newApp();
    await app.register(rateLimit, { limiter });
    const tier = [minute(5, 'tier')];
    app.get('/login', { config: { rateLimit: { policies: [minute(2, 'login')] } } }, async () => ({}));
    app.get('/tiered', { config: { rateLimit: { policies: () => tier } } }, async () => ({}));
    expect((await get(app, '/login')).status).toBe(200);
    expect(reported).toHaveLength(1);
    expect((await get(app, '/tiered')).status).toBe(200);
    expect(reported).toHaveLength(2);
    expect(reported.map((error) => error.message)).toEqual([expect.stringContaining('connection refused'), expect.stringContaining('connection refused')]);
  });

  it('a route that overrides a setting keeps the others from the limiter', async () => {
    const reported: StoreError[] = [];
    const limiter = createLimiter({ store: new FailingStore(), policies: [minute(10)], onError: (error) => reported.push(error), onWarning: () => {} });
    const app = newApp();
    await app.register(rateLimit, { limiter });
    app.get('/strict', { config: { rateLimit: { policies: [minute(2, 'strict')], onStoreError: 'deny' } } }, async () => ({}));
    expect((await get(app, '/strict')).status).toBe(503);
    expect(reported).toHaveLength(1);
  });
});
