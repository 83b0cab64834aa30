// docs/migration/koa-ratelimit.md, checked: the guide's before app (koa-ratelimit, memory driver)
// and after app (Sluice) side by side on 127.0.0.1, and the guide's recipe for `throw: true`.
import { once } from 'node:events';
import type { Server } from 'node:http';
import path from 'node:path';
import Koa from 'koa';
import request from 'supertest';
import { fixedWindow } from '@sluice/core';
import { rateLimit } from '../src/index.js';

const APPS = path.resolve(__dirname, '../../../examples/migration/koa-ratelimit');

const servers: Server[] = [];
async function listen(app: Koa): Promise<Server> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  return server;
}
async function start(file: 'before.js' | 'after.js'): Promise<Server> {
  const { createApp } = (await import(path.join(APPS, file))) as { createApp: () => Koa };
  return listen(createApp());
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** GETs `url` until the first 429 (at most `max` requests); every response, in order. */
async function untilLimited(server: Server, url: string, max = 10): Promise<request.Response[]> {
  const responses: request.Response[] = [];
  for (let i = 0; i < max; i++) {
    const response = await request(server).get(url);
    responses.push(response);
    if (response.status === 429) break;
  }
  return responses;
}

describe('koa-ratelimit -> Sluice: the guide apps', () => {
  test('both admit 5 a minute, then 429 with Retry-After and the same X-RateLimit-Limit/-Remaining', async () => {
    const before = await untilLimited(await start('before.js'), '/');
    const after = await untilLimited(await start('after.js'), '/');
    for (const responses of [before, after]) {
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429]);
      expect(responses.map((r) => r.headers['x-ratelimit-limit'])).toEqual(['5', '5', '5', '5', '5', '5']);
      expect(responses.map((r) => r.headers['x-ratelimit-remaining'])).toEqual(['4', '3', '2', '1', '0', '0']);
    }

    // Before: Reset in epoch seconds with a fraction, Retry-After truncated (may be 0 near the end).
    expect(before[0]!.headers['x-ratelimit-reset']).toMatch(/^\d+\.\d+$/);
    expect(Number(before[5]!.headers['retry-after'])).toBeGreaterThanOrEqual(0);
    expect(before[5]!.headers['content-type']).toMatch(/^text\/plain/);
    expect(before[5]!.text).toMatch(/^Rate limit exceeded, retry in /);
    expect(before[0]!.headers['ratelimit']).toBeUndefined();

    // After: Reset in whole epoch seconds (rounded up), Retry-After rounded up and at least 1,
    // draft-10 headers beside the legacy ones, a problem+json body.
    expect(after[0]!.headers['x-ratelimit-reset']).toMatch(/^\d+$/);
    expect(Number(after[0]!.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
    expect(Number(after[5]!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(after[0]!.headers['ratelimit-policy']).toBe('"minute";q=5;w=60');
    expect(after[0]!.headers['ratelimit']).toMatch(/^"minute";r=4;t=(59|60)$/);
    expect(after[0]!.body).toEqual({ hello: 'world', remaining: 4 });
    expect(after[5]!.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(after[5]!.body).toMatchObject({ status: 429, 'violated-policies': ['minute'] });
  });

  test('whitelist and skip: /health is never counted or limited (both)', async () => {
    for (const file of ['before.js', 'after.js'] as const) {
      const server = await start(file);
      const health = await untilLimited(server, '/health', 8);
      expect({ file, statuses: health.map((r) => r.status) }).toEqual({ file, statuses: [200, 200, 200, 200, 200, 200, 200, 200] });
      expect(health[0]!.headers['x-ratelimit-limit']).toBeUndefined();
      // /health spent nothing: the client still has its 5.
      const root = await untilLimited(server, '/');
      expect({ file, statuses: root.map((r) => r.status) }).toEqual({ file, statuses: [200, 200, 200, 200, 200, 429] });
    }
  });
});

describe('koa-ratelimit -> Sluice: throw: true', () => {
  test('an onLimited that calls ctx.throw with the response headers reaches Koa error handling and keeps Retry-After', async () => {
    const app = new Koa();
    app.silent = true; // Koa would log every expected 429 error
    app.use(
      rateLimit({
        policies: [fixedWindow({ limit: 1, window: '1m' })],
        onLimited: (ctx) => ctx.throw(429, 'Slow down', { headers: ctx.response.headers }),
      }),
    );
    app.use((ctx) => {
      ctx.body = 'ok';
    });
    const server = await listen(app);
    const responses = await untilLimited(server, '/');
    expect(responses.map((r) => r.status)).toEqual([200, 429]);
    const denied = responses[1]!;
    expect(denied.text).toBe('Slow down');
    expect(Number(denied.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(denied.headers['ratelimit']).toMatch(/;r=0;t=\d+$/);
  });
});
