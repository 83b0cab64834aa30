// Issue 8 item 3: a route-scoped key must not split when a client respells the path in a way
// Fastify's router ignores. Fastify routes before any hook, so a matched request is keyed on
// request.routeOptions.url; only a not-found request is keyed on its normalised path.
import type { AddressInfo } from 'node:net';
import { fixedWindow } from '@sluice/core';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { httpGet } from '../../../test/adapter-behaviour/index.js';
import { fastifyAccess, keys, rateLimit } from '../src/index.js';

const RESPELLINGS = ['/LOGIN', '/Login', '/login/', '//login', '/%6Cogin'];
const policies = [fixedWindow({ limit: 3, window: '15m' })];

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function listen(app: FastifyInstance) {
  apps.push(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return async (path: string, method = 'POST'): Promise<[string, number]> => [path, (await httpGet(base, path, {}, method)).status];
}

/** A login route counted per route and method, on a Fastify built with `options`. */
async function loginApp(options: FastifyServerOptions, perRoute: boolean) {
  const app = Fastify(options);
  const calls: string[] = [];
  const key = keys.ip({ route: true, method: true });
  if (perRoute) await app.register(rateLimit, { global: false, key });
  else await app.register(rateLimit, { key, policies });
  app.post('/login', perRoute ? { config: { rateLimit: { policies } } } : {}, async (request) => {
    calls.push(request.url);
    return { ok: true };
  });
  return { send: await listen(app), calls };
}

async function exhaustLogin(send: (path: string) => Promise<[string, number]>): Promise<void> {
  for (let i = 0; i < 3; i++) expect(await send('/login')).toEqual(['/login', 200]);
  expect(await send('/login')).toEqual(['/login', 429]);
}

const LOOSE = { routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true } };

describe('Fastify: route-scoped keys follow the router', () => {
  it.each([
    ['global', false],
    ['per route', true],
  ])('%s, with a router that ignores case, trailing and duplicate slashes: every respelling is refused after the 429', async (_name, perRoute) => {
    const { send, calls } = await loginApp(LOOSE, perRoute);
    await exhaustLogin(send);
    for (const path of RESPELLINGS) expect(await send(path)).toEqual([path, 429]);
    expect(calls).toHaveLength(3);
  });

  it('with the default (case-sensitive, strict) router: a decoded escape is the same route; other spellings are 404s', async () => {
    const { send, calls } = await loginApp({}, false);
    await exhaustLogin(send);
    expect(await send('/%6Cogin')).toEqual(['/%6Cogin', 429]); // find-my-way decodes it to /login
    for (const path of ['/LOGIN', '/login/']) expect(await send(path)).toEqual([path, 404]);
    expect(calls).toHaveLength(3);
  });

  // What a key sees for a request no route matched (the not-found handler, item 4).
  async function notFoundRoute(options: FastifyServerOptions, paths: string[]) {
    const app = Fastify(options);
    app.setNotFoundHandler(async (request, reply) => reply.code(404).send({ route: fastifyAccess.route(request) }));
    await app.ready();
    apps.push(app);
    const routes: string[] = [];
    for (const url of paths) routes.push((await app.inject({ method: 'GET', url })).json<{ route: string }>().route);
    return routes;
  }

  it('a not-found request is keyed on its path, normalised with the router settings', async () => {
    const paths = ['/Missing/', '//missing', '/%6Dissing?x=1'];
    expect(await notFoundRoute({}, paths)).toEqual(['/Missing/', '/missing', '/missing']);
    expect(await notFoundRoute(LOOSE, paths)).toEqual(['/missing', '/missing', '/missing']);
  });
});
