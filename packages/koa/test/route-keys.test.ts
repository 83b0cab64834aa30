// Issue 8 item 3: a route-scoped key must not split when a client respells the path in a way
// the router ignores. Koa itself has no router; @koa/router's options decide.
import Router, { type RouterOptions } from '@koa/router';
import { fixedWindow } from '@sluice/core';
import Koa from 'koa';
import supertest from 'supertest';
import { keys, rateLimit, type KoaRateLimitOptions } from '../src/index.js';

const RESPELLINGS = ['/LOGIN', '/Login', '/login/', '//login', '/%6Cogin'];
const policies = [fixedWindow({ limit: 3, window: '15m' })];

function app(build: (app: Koa, router: Router, calls: string[]) => void, routerOptions?: RouterOptions) {
  const koa = new Koa();
  const router = new Router(routerOptions);
  const calls: string[] = [];
  build(koa, router, calls);
  koa.use(router.routes());
  return { server: koa.callback(), calls };
}

const record = (calls: string[]) => (ctx: Koa.Context) => {
  calls.push(ctx.url);
  ctx.body = { ok: true };
};

async function exhaustLogin(server: ReturnType<Koa['callback']>, path = '/login'): Promise<void> {
  for (let i = 0; i < 3; i++) expect((await supertest(server).post(path)).status).toBe(200);
  expect((await supertest(server).post(path)).status).toBe(429);
}

async function statusOf(server: ReturnType<Koa['callback']>, path: string): Promise<[string, number]> {
  return [path, (await supertest(server).post(path)).status];
}

describe('Koa: route-scoped keys follow the router', () => {
  it('app-wide before @koa/router (defaults): after the 429 on POST /login every respelling is refused too', async () => {
    const { server, calls } = app((koa, router, calls) => {
      koa.use(rateLimit({ key: keys.ip({ route: true, method: true }), policies }));
      router.post('/login', record(calls));
      router.post('/logout', record(calls));
    });
    await exhaustLogin(server);
    for (const path of RESPELLINGS) expect(await statusOf(server, path)).toEqual([path, 429]);
    expect(calls).toHaveLength(3);
    expect(await statusOf(server, '/logout')).toEqual(['/logout', 200]);
  });

  it('app-wide in front of a sensitive, strict router: told so, keeps apart only what the router keeps apart', async () => {
    const options: KoaRateLimitOptions = { key: keys.ip({ route: { caseSensitive: true, strict: true }, method: true }), policies };
    const { server, calls } = app(
      (koa, router, calls) => {
        koa.use(rateLimit(options));
        router.post('/login', record(calls));
        router.post('/Login', record(calls)); // a different route under this router, with its own bucket
      },
      { sensitive: true, strict: true },
    );
    await exhaustLogin(server);
    expect(await statusOf(server, '/Login')).toEqual(['/Login', 200]);
    expect(await statusOf(server, '/LOGIN')).toEqual(['/LOGIN', 404]);
    expect(await statusOf(server, '/login/')).toEqual(['/login/', 404]);
    for (const path of ['//login', '/%6Cogin']) expect(await statusOf(server, path)).toEqual([path, 429]);
    expect(calls).toEqual(['/login', '/login', '/login', '/Login']);
  });

  it('route middleware keys on the matched pattern (ctx._matchedRoute)', async () => {
    const { server, calls } = app((_koa, router, calls) => {
      router.post('/users/:id/login', rateLimit({ key: keys.ip({ route: true, method: true }), policies }), record(calls));
    });
    await exhaustLogin(server, '/users/1/login');
    for (const path of ['/users/2/login', '/USERS/3/Login', '/users/4/login/']) expect(await statusOf(server, path)).toEqual([path, 429]);
    // The router does not route these: 404, the handler never runs.
    for (const path of ['//users/5/login', '/%75sers/6/login']) expect(await statusOf(server, path)).toEqual([path, 404]);
    expect(calls).toHaveLength(3);
  });

  it('HEAD shares the GET bucket: @koa/router answers it with the GET route', async () => {
    const { server, calls } = app((koa, router, calls) => {
      koa.use(rateLimit({ key: keys.ip({ route: true, method: true }), policies: [fixedWindow({ limit: 2, window: '15m' })] }));
      router.get('/search', record(calls));
    });
    expect((await supertest(server).get('/search')).status).toBe(200);
    expect((await supertest(server).head('/search')).status).toBe(200);
    expect((await supertest(server).head('/search')).status).toBe(429);
    expect((await supertest(server).get('/Search/')).status).toBe(429);
    expect(calls).toHaveLength(2);
  });
});

describe('Koa: route-scoped keys inside router.use() key on the matched route, not the use layer', () => {
  const limited = (seen: string[]) => {
    const routeKey = keys.ip({ route: true, method: true });
    return rateLimit({
      key: (ctx) => {
        const key = routeKey(ctx);
        seen.push(key);
        return key;
      },
      policies: [fixedWindow({ limit: 2, window: '15m' })],
    });
  };

  it.each([[''], ['/api']])('router.use() with prefix %j: /login and /signup have their own buckets', async (prefix) => {
    const seen: string[] = [];
    const { server, calls } = app(
      (_koa, router, calls) => {
        router.use(limited(seen));
        router.post('/login', record(calls));
        router.post('/signup', record(calls));
      },
      prefix === '' ? undefined : { prefix },
    );
    for (let i = 0; i < 2; i++) expect(await statusOf(server, `${prefix}/login`)).toEqual([`${prefix}/login`, 200]);
    expect(await statusOf(server, `${prefix}/login`)).toEqual([`${prefix}/login`, 429]);
    // Before the fix every route under the router shared the use layer's bucket: this was 429.
    expect(await statusOf(server, `${prefix}/signup`)).toEqual([`${prefix}/signup`, 200]);
    expect(await statusOf(server, `${prefix}/login/`)).toEqual([`${prefix}/login/`, 429]);
    expect(calls).toHaveLength(3);
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen.map((key) => key.split(' ')[1]))).toEqual(new Set([`${prefix}/login`, `${prefix}/signup`]));
  });

  it('nested routers: the inner route, with both prefixes', async () => {
    const seen: string[] = [];
    const koa = new Koa();
    const outer = new Router();
    const inner = new Router();
    const calls: string[] = [];
    inner.use(limited(seen));
    inner.post('/login', record(calls));
    inner.post('/signup', record(calls));
    outer.use('/api', inner.routes());
    koa.use(outer.routes());
    const server = koa.callback();
    for (let i = 0; i < 2; i++) expect(await statusOf(server, '/api/login')).toEqual(['/api/login', 200]);
    expect(await statusOf(server, '/api/login')).toEqual(['/api/login', 429]);
    expect(await statusOf(server, '/api/signup')).toEqual(['/api/signup', 200]);
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen.map((key) => key.split(' ')[1]))).toEqual(new Set(['/api/login', '/api/signup']));
  });
});

describe('@koa/router with a prefix skips router.use() middleware when the prefix is respelled', () => {
  // The hazard docs/koa.md and docs/client-keys.md warn about: the route still answers.
  it('router.use() under prefix /api: POST /API/login reaches the handler without the limiter', async () => {
    const { server, calls } = app(
      (_koa, router, calls) => {
        router.use(rateLimit({ key: keys.ip({ route: true, method: true }), policies }));
        router.post('/login', record(calls));
      },
      { prefix: '/api' },
    );
    await exhaustLogin(server, '/api/login');
    expect(await statusOf(server, '/API/login')).toEqual(['/API/login', 200]);
    expect(calls).toEqual(['/api/login', '/api/login', '/api/login', '/API/login']);
  });

  it.each([
    ['app.use() before the router', (koa: Koa, router: Router, calls: string[]) => {
      koa.use(rateLimit({ key: keys.ip({ route: true, method: true }), policies }));
      router.post('/login', record(calls));
    }],
    ['the route itself', (_koa: Koa, router: Router, calls: string[]) => {
      router.post('/login', rateLimit({ key: keys.ip({ route: true, method: true }), policies }), record(calls));
    }],
  ])('the recommended placement, %s, limits every spelling the router answers', async (_placement, build) => {
    const { server, calls } = app(build, { prefix: '/api' });
    await exhaustLogin(server, '/api/login');
    for (const path of ['/API/login', '/Api/Login/', '/api/LOGIN']) expect(await statusOf(server, path)).toEqual([path, 429]);
    expect(calls).toHaveLength(3);
  });
});
