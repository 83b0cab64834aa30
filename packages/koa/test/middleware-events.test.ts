import { fixedWindow, type DecisionEvent } from '@sluice/core';
import { rateLimit } from '@sluice/koa';
import Koa from 'koa';
import request from 'supertest';

describe('koa middleware.events and .limiter', () => {
  test('the events report each request; limiter is the one deciding', async () => {
    const middleware = rateLimit({ policies: [fixedWindow({ name: 'minute', limit: 1, window: '1m' })] });
    const events: DecisionEvent[] = [];
    middleware.events.on('decision', (e) => events.push(e));
    const app = new Koa().use(middleware).use((ctx) => {
      ctx.body = 'ok';
    });
    const server = app.callback();
    await request(server).get('/').expect(200);
    await request(server).get('/').expect(429);
    expect(events.map((e) => e.outcome)).toEqual(['allowed', 'denied']);
    expect(middleware.limiter?.policies.map((p) => p.name)).toEqual(['minute']);
  });
});
