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
