// docs/migration/rate-limiter-flexible.md, checked: the guide's before app (rate-limiter-flexible
// with hand-written Express middleware) and after app (Sluice) side by side on 127.0.0.1, and the
// guide's API table (consume/get/delete/reward/penalty/RateLimiterUnion against consume/peek/reset/
// refund/several policies) on both libraries.
import { once } from 'node:events';
import type { Server } from 'node:http';
import path from 'node:path';
import type { Express } from 'express';
import { RateLimiterMemory, RateLimiterRes, RateLimiterUnion } from 'rate-limiter-flexible';
import request from 'supertest';
import { createLimiter, fixedWindow } from '../src/index.js';

const APPS = path.resolve(__dirname, '../../../examples/migration/rate-limiter-flexible');

const servers: Server[] = [];
async function start(file: 'before.js' | 'after.js'): Promise<Server> {
  const { createApp } = (await import(path.join(APPS, file))) as { createApp: () => Express };
  const server = createApp().listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('rate-limiter-flexible -> Sluice: the guide apps', () => {
  test('both admit 5 a minute on /api, then 429 with Retry-After and X-RateLimit-*', async () => {
    for (const file of ['before.js', 'after.js'] as const) {
      const server = await start(file);
      const responses: request.Response[] = [];
      for (let i = 0; i < 6; i++) responses.push(await request(server).get('/api/hello'));
      expect({ file, statuses: responses.map((r) => r.status) }).toEqual({ file, statuses: [200, 200, 200, 200, 200, 429] });
      expect(responses.map((r) => r.headers['x-ratelimit-remaining'])).toEqual(['4', '3', '2', '1', '0', '0']);
      const retryAfter = Number(responses[5]!.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      if (file === 'after.js') {
        expect(responses[0]!.headers['ratelimit']).toMatch(/^"api";r=4;t=(59|60)$/);
        expect(responses[5]!.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      } else {
        expect(responses[0]!.headers['ratelimit']).toBeUndefined();
      }
    }
  });

  test('login: failures count per user, a success forgets them, the 4th attempt after 3 failures is refused (both)', async () => {
    for (const file of ['before.js', 'after.js'] as const) {
      const server = await start(file);
      const login = async (user: string, password: string) => (await request(server).post('/login').send({ user, password })).status;
      const statuses = [
        await login('ann', 'wrong'),
        await login('ann', 'wrong'),
        await login('ann', 'correct horse'), // forgets the two failures
        await login('ann', 'wrong'),
        await login('ann', 'wrong'),
        await login('ann', 'wrong'),
        await login('ann', 'correct horse'), // 3 failures: refused, even with the right password
        await login('bob', 'correct horse'), // another user is not affected
      ];
      expect({ file, statuses }).toEqual({ file, statuses: [401, 401, 200, 401, 401, 401, 429, 200] });
    }
  });

  test('login without a user name: 401 (counted like any name, then 429), never a 500, in both', async () => {
    for (const file of ['before.js', 'after.js'] as const) {
      const server = await start(file);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await request(server).post('/login').send({ password: 'wrong' })).status);
      statuses.push((await request(server).post('/login').send({ user: '', password: 'wrong' })).status);
      expect({ file, statuses }).toEqual({ file, statuses: [401, 401, 401, 429, 429] });
    }
  });
});

describe('rate-limiter-flexible -> Sluice: the API side by side', () => {
  const T0 = 1_800_000_000_000; // Sluice's clock is given per call (nowMs); RLF reads Date.now()

  test('over the limit: RLF rejects with a RateLimiterRes, Sluice resolves with allowed: false', async () => {
    const rlf = new RateLimiterMemory({ points: 2, duration: 60 });
    await rlf.consume('k');
    await rlf.consume('k');
    const rejection: unknown = await rlf.consume('k').then(
      () => 'resolved',
      (error: unknown) => error,
    );
    expect(rejection).toBeInstanceOf(RateLimiterRes);
    expect((rejection as RateLimiterRes).remainingPoints).toBe(0);

    const sluice = createLimiter({ policies: [fixedWindow({ limit: 2, window: '1m' })] });
    await sluice.consume('k', { nowMs: T0 });
    await sluice.consume('k', { nowMs: T0 });
    const denied = await sluice.consume('k', { nowMs: T0 + 1_000 });
    expect(denied).toMatchObject({ allowed: false, remaining: 0, retryAfterMs: 59_000 });
  });

  test('fields: remainingPoints = remaining, consumedPoints = limit - remaining, msBeforeNext = resetAfterMs', async () => {
    const rlf = new RateLimiterMemory({ points: 5, duration: 60 });
    await rlf.consume('k');
    const r = await rlf.consume('k');
    expect(r.remainingPoints).toBe(3);
    expect(r.consumedPoints).toBe(2);
    expect(r.msBeforeNext).toBeGreaterThan(59_000);
    expect(r.msBeforeNext).toBeLessThanOrEqual(60_000);

    const sluice = createLimiter({ policies: [fixedWindow({ limit: 5, window: '1m' })] });
    await sluice.consume('k', { nowMs: T0 });
    const d = await sluice.consume('k', { nowMs: T0 });
    expect(d.remaining).toBe(3);
    expect(d.limit - d.remaining).toBe(2);
    expect(d.resetAfterMs).toBe(60_000);
  });

  test('get() is null for an unknown key; peek() reports the full quota and charges nothing', async () => {
    const rlf = new RateLimiterMemory({ points: 5, duration: 60 });
    expect(await rlf.get('nobody')).toBeNull();

    const sluice = createLimiter({ policies: [fixedWindow({ limit: 5, window: '1m' })] });
    const first = await sluice.peek('nobody', { nowMs: T0 });
    expect(first).toMatchObject({ allowed: true, remaining: 5, resetAfterMs: 0 });
    expect(await sluice.peek('nobody', { nowMs: T0 })).toMatchObject({ remaining: 5 });
  });

  test('denied calls: RLF keeps counting them, Sluice charges nothing (reward/refund of 1 then lets one through only in Sluice)', async () => {
    const rlf = new RateLimiterMemory({ points: 5, duration: 60 });
    for (let i = 0; i < 5; i++) await rlf.consume('k');
    for (let i = 0; i < 3; i++) await expect(rlf.consume('k')).rejects.toBeInstanceOf(RateLimiterRes);
    expect((await rlf.get('k'))?.consumedPoints).toBe(8);
    await rlf.reward('k', 1);
    await expect(rlf.consume('k')).rejects.toBeInstanceOf(RateLimiterRes);

    const sluice = createLimiter({ policies: [fixedWindow({ limit: 5, window: '1m' })] });
    for (let i = 0; i < 5; i++) await sluice.consume('k', { nowMs: T0 });
    for (let i = 0; i < 3; i++) expect((await sluice.consume('k', { nowMs: T0 })).allowed).toBe(false);
    await sluice.refund('k', { cost: 1, nowMs: T0 });
    expect((await sluice.consume('k', { nowMs: T0 })).allowed).toBe(true);
  });

  test('penalty() always adds; consume({ cost }) is all or nothing', async () => {
    const rlf = new RateLimiterMemory({ points: 5, duration: 60 });
    await rlf.consume('k', 4);
    const penalised = await rlf.penalty('k', 3);
    expect(penalised.consumedPoints).toBe(7);

    const sluice = createLimiter({ policies: [fixedWindow({ limit: 5, window: '1m' })] });
    await sluice.consume('k', { cost: 4, nowMs: T0 });
    expect(await sluice.consume('k', { cost: 3, nowMs: T0 })).toMatchObject({ allowed: false, remaining: 1 });
    expect(await sluice.consume('k', { cost: 1, nowMs: T0 })).toMatchObject({ allowed: true, remaining: 0 });
  });

  test('delete() and reset() forget the key', async () => {
    const rlf = new RateLimiterMemory({ points: 1, duration: 60 });
    await rlf.consume('k');
    expect(await rlf.delete('k')).toBe(true);
    expect((await rlf.consume('k')).remainingPoints).toBe(0);

    const sluice = createLimiter({ policies: [fixedWindow({ limit: 1, window: '1m' })] });
    await sluice.consume('k', { nowMs: T0 });
    await sluice.reset('k');
    expect((await sluice.consume('k', { nowMs: T0 })).allowed).toBe(true);
  });

  test('RateLimiterUnion charges the limiters that admitted; several Sluice policies charge all or none', async () => {
    const perSecond = new RateLimiterMemory({ keyPrefix: 'second', points: 1, duration: 1 });
    const perMinute = new RateLimiterMemory({ keyPrefix: 'minute', points: 5, duration: 60 });
    const union = new RateLimiterUnion(perSecond, perMinute);
    await union.consume('k');
    await expect(union.consume('k')).rejects.toHaveProperty('second');
    expect((await perMinute.get('k'))?.consumedPoints).toBe(2); // the refused call was charged here

    const sluice = createLimiter({
      policies: [fixedWindow({ name: 'second', limit: 1, window: '1s' }), fixedWindow({ name: 'minute', limit: 5, window: '1m' })],
    });
    await sluice.consume('k', { nowMs: T0 });
    const denied = await sluice.consume('k', { nowMs: T0 });
    expect(denied).toMatchObject({ allowed: false, policy: 'second' });
    expect(denied.results.map((r) => [r.policy, r.remaining])).toEqual([
      ['second', 0],
      ['minute', 4], // not charged
    ]);
  });
});
