// Koa-specific wiring the shared behaviour table cannot express: @koa/router patterns, async onLimited, errors.
import Router from '@koa/router';
import { ErrorCodes, fixedWindow } from '@sluice/core';
import Koa from 'koa';
import supertest from 'supertest';
import { keys, rateLimit } from '../src/index.js';

const minute = (limit: number) => fixedWindow({ name: 'minute', limit, window: '1m' });

describe('@sluice/koa wiring', () => {
  it('works as @koa/router route middleware, keyed per route pattern', async () => {
    const app = new Koa();
    const router = new Router();
    const perRoute = rateLimit({ policies: [minute(2)], key: keys.ip({ route: true, method: true }) });
    router.get('/items/:id', perRoute, (ctx) => {
      ctx.body = { remaining: ctx.state.rateLimit?.remaining };
    });
    router.get('/open', (ctx) => {
      ctx.body = {};
    });
    app.use(router.routes());
    const server = app.callback();
    expect((await supertest(server).get('/items/1')).body).toEqual({ remaining: 1 });
    expect((await supertest(server).get('/items/2')).body).toEqual({ remaining: 0 });
    expect((await supertest(server).get('/items/3')).status).toBe(429);
    expect((await supertest(server).get('/open')).headers['ratelimit']).toBeUndefined();
  });

  it('waits for an async onLimited, which sets the body', async () => {
    const app = new Koa();
    app.use(
      rateLimit({
        policies: [minute(1)],
        onLimited: async (ctx, decision) => {
          await Promise.resolve();
          ctx.body = { slowDown: decision.policy };
        },
      }),
    );
    app.use((ctx) => {
      ctx.body = { ok: true };
    });
    const server = app.callback();
    await supertest(server).get('/');
    const denied = await supertest(server).get('/');
    expect(denied.status).toBe(429);
    expect(denied.body).toEqual({ slowDown: 'minute' });
  });

  it('rejects into Koa error handling when the key cannot be found', async () => {
    const app = new Koa();
    const errors: unknown[] = [];
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch (error) {
        errors.push(error);
        ctx.status = 500;
      }
    });
    app.use(rateLimit({ policies: [minute(1)], key: keys.header('x-api-key', { fallback: 'error' }) }));
    expect((await supertest(app.callback()).get('/')).status).toBe(500);
    expect(errors).toEqual([expect.objectContaining({ code: ErrorCodes.NO_CLIENT_KEY })]);
  });
});
