import { fixedWindow, type DecisionEvent } from '@sluice/core';
import { rateLimit } from '@sluice/fastify';
import Fastify from 'fastify';

describe('fastify.rateLimit.events and .limiter', () => {
  test('the plugin and its route overrides report to one set of events', async () => {
    const app = Fastify();
    await app.register(rateLimit, { policies: [fixedWindow({ name: 'global', limit: 1, window: '1m' })] });
    app.get('/', async () => 'ok');
    app.get('/login', { config: { rateLimit: { policies: [fixedWindow({ name: 'login', limit: 5, window: '1m' })] } } }, async () => 'ok');
    await app.ready();
    const events: DecisionEvent[] = [];
    app.rateLimit.events.on('decision', (e) => events.push(e));
    expect((await app.inject('/')).statusCode).toBe(200);
    expect((await app.inject('/')).statusCode).toBe(429);
    expect((await app.inject('/login')).statusCode).toBe(200);
    expect(events.map((e) => `${e.decision.policy}:${e.outcome}`)).toEqual(['global:allowed', 'global:denied', 'login:allowed']);
    expect(app.rateLimit.limiter?.policies.map((p) => p.name)).toEqual(['global']);
    await app.close();
  });
});
