import { createLimiter, fixedWindow, type DecisionEvent } from '@sluice/core';
import { rateLimit } from '@sluice/express';
import express from 'express';
import request from 'supertest';

// middleware.events and middleware.limiter: what the metrics packages attach to.
describe('express middleware.events and .limiter', () => {
  test('inline options: the events report each request; limiter is the one deciding', async () => {
    const middleware = rateLimit({ policies: [fixedWindow({ name: 'minute', limit: 1, window: '1m' })] });
    const events: DecisionEvent[] = [];
    middleware.events.on('decision', (e) => events.push(e));
    const app = express().use(middleware).get('/', (_req, res) => res.send('ok'));
    await request(app).get('/').expect(200);
    await request(app).get('/').expect(429);
    expect(events.map((e) => e.outcome)).toEqual(['allowed', 'denied']);
    expect(middleware.limiter?.policies.map((p) => p.name)).toEqual(['minute']);
  });

  test('with a limiter option: its events; per-request policy sets report to them too', async () => {
    const limiter = createLimiter({ policies: [fixedWindow({ limit: 5, window: '1m' })] });
    const tier = [fixedWindow({ name: 'tier', limit: 5, window: '1m' })];
    const middleware = rateLimit({ limiter, policies: () => tier });
    expect(middleware.events).toBe(limiter.events);
    expect(middleware.limiter).toBe(limiter);
    const seen: string[] = [];
    middleware.events.on('decision', (e) => seen.push(e.decision.policy));
    await request(express().use(middleware).get('/', (_req, res) => res.send('ok'))).get('/').expect(200);
    expect(seen).toEqual(['tier']);
  });

  test('inline per-request policies: events exist before the first request', async () => {
    const tier = [fixedWindow({ name: 'tier', limit: 5, window: '1m' })];
    const middleware = rateLimit({ policies: () => tier });
    expect(middleware.limiter).toBeUndefined();
    const seen: string[] = [];
    middleware.events.on('decision', (e) => seen.push(e.decision.policy));
    await request(express().use(middleware).get('/', (_req, res) => res.send('ok'))).get('/').expect(200);
    expect(seen).toEqual(['tier']);
    expect(middleware.limiter?.policies.map((p) => p.name)).toEqual(['tier']);
  });
});
