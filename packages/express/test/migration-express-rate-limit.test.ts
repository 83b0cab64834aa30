// docs/migration/express-rate-limit.md, checked: the guide's before app (express-rate-limit) and
// after app (Sluice) run side by side on 127.0.0.1, and what the guide says a user will notice is
// what they send.
import { once } from 'node:events';
import type { Server } from 'node:http';
import path from 'node:path';
import express, { type Express } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import request from 'supertest';
import { clientIpKey, fixedWindow } from '@sluice/core';
import { rateLimit } from '../src/index.js';

const APPS = path.resolve(__dirname, '../../../examples/migration/express-rate-limit');

async function listen(app: Express): Promise<Server> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

async function start(file: 'before.js' | 'after.js'): Promise<Server> {
  const { createApp } = (await import(path.join(APPS, file))) as { createApp: () => Express };
  return listen(createApp());
}

const servers: Server[] = [];
async function started(file: 'before.js' | 'after.js'): Promise<Server> {
  const server = await start(file);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** GETs `path` until the first 429 (at most `max` requests); every response, in order. */
async function untilLimited(server: Server, url: string, max = 10): Promise<request.Response[]> {
  const responses: request.Response[] = [];
  for (let i = 0; i < max; i++) {
    const response = await request(server).get(url);
    responses.push(response);
    if (response.status === 429) break;
  }
  return responses;
}

describe('express-rate-limit -> Sluice: the guide apps', () => {
  test('both admit 5 a minute on /api, then 429 with Retry-After; the header syntax differs', async () => {
    const before = await untilLimited(await started('before.js'), '/api/hello');
    const after = await untilLimited(await started('after.js'), '/api/hello');

    for (const responses of [before, after]) {
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429]);
      const denied = responses[5]!;
      expect(Number(denied.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(denied.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(denied.headers['x-ratelimit-limit']).toBeUndefined();
    }

    // Before: draft-7 (one policy, key=value fields), a JSON message body.
    expect(before[0]!.headers['ratelimit-policy']).toBe('5;w=60');
    expect(before[0]!.headers['ratelimit']).toMatch(/^limit=5, remaining=4, reset=(59|60)$/);
    expect(before[5]!.body).toEqual({ error: 'Too many requests, slow down.' });

    // After: draft-10 (named list members), an RFC 9457 problem body naming the policy.
    expect(after[0]!.headers['ratelimit-policy']).toBe('"api";q=5;w=60');
    expect(after[0]!.headers['ratelimit']).toMatch(/^"api";r=4;t=(59|60)$/);
    expect(after[0]!.body).toEqual({ hello: 'world', remaining: 4 });
    expect(after[5]!.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(after[5]!.body).toMatchObject({ status: 429, 'violated-policies': ['api'], policy: 'api' });
    expect(after[5]!.headers['ratelimit']).toMatch(/^"api";r=0;t=\d+$/);
  });

  test('skipSuccessfulRequests and refund: only failed logins count, in both', async () => {
    for (const file of ['before.js', 'after.js'] as const) {
      const server = await started(file);
      const login = (password: string) => request(server).post('/login').send({ password });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await login('correct horse')).status);
      for (let i = 0; i < 4; i++) statuses.push((await login('wrong')).status);
      // 4 successes are given back; the 4th failure is over the limit of 3.
      expect({ file, statuses }).toEqual({ file, statuses: [200, 200, 200, 200, 401, 401, 401, 429] });
      // Once limited, even the right password is refused until the window ends.
      expect((await login('correct horse')).status).toBe(429);
    }
  });
});

describe('express-rate-limit -> Sluice: keeping what clients already read', () => {
  test("statusCode: 503 -> onLimited sets the status: res.status(503) replaces the 429, the headers stay", async () => {
    const app = express();
    app.use(rateLimit({ policies: [fixedWindow({ limit: 1, window: '1m' })], onLimited: (_req, res) => void res.status(503).json({ error: 'busy' }) }));
    app.get('/api/hello', (_req, res) => {
      res.json({});
    });
    const server = await listen(app);
    servers.push(server);
    const responses = await untilLimited(server, '/api/hello', 2);
    expect(responses.map((r) => r.status)).toEqual([200, 503]);
    expect(responses[1]!.body).toEqual({ error: 'busy' });
    expect(responses[1]!.headers['retry-after']).toBe('60');
  });

  test("headers: 'draft-7' sends exactly the RateLimit-Policy and RateLimit of standardHeaders: 'draft-7'", async () => {
    const before = await untilLimited(await started('before.js'), '/api/hello', 1);
    const app = express();
    app.use(rateLimit({ policies: [fixedWindow({ limit: 5, window: '1m' })], headers: 'draft-7' }));
    app.get('/api/hello', (_req, res) => {
      res.json({});
    });
    const server = await listen(app);
    servers.push(server);
    const after = await untilLimited(server, '/api/hello', 1);
    expect(after[0]!.headers['ratelimit-policy']).toBe(before[0]!.headers['ratelimit-policy']);
    // The reset second may tick between the two requests.
    expect(after[0]!.headers['ratelimit']).toMatch(/^limit=5, remaining=4, reset=(59|60)$/);
  });

  test('legacyHeaders: true sends the X-RateLimit-* trio, Reset in epoch seconds like express-rate-limit', async () => {
    const app = express();
    app.use(rateLimit({ policies: [fixedWindow({ limit: 5, window: '1m' })], legacyHeaders: true }));
    app.get('/', (_req, res) => {
      res.json({});
    });
    const server = await listen(app);
    servers.push(server);
    const response = await request(server).get('/');
    expect(response.headers['x-ratelimit-limit']).toBe('5');
    expect(response.headers['x-ratelimit-remaining']).toBe('4');
    const reset = Number(response.headers['x-ratelimit-reset']);
    const now = Date.now() / 1000;
    expect(reset).toBeGreaterThan(now);
    expect(reset).toBeLessThanOrEqual(Math.ceil(now) + 61);
  });

  test('resetKey(key) -> middleware.limiter.reset(key), with the default key from clientIpKey(req.ip, 64)', async () => {
    const limit = rateLimit({ policies: [fixedWindow({ limit: 1, window: '1m' })] });
    const app = express();
    app.post('/forgive', async (req, res) => {
      await limit.limiter!.reset(clientIpKey(req.ip!, 64));
      res.json({});
    });
    app.use(limit);
    app.get('/', (_req, res) => {
      res.json({});
    });
    const server = await listen(app);
    servers.push(server);
    expect((await request(server).get('/')).status).toBe(200);
    expect((await request(server).get('/')).status).toBe(429);
    await request(server).post('/forgive').expect(200);
    expect((await request(server).get('/')).status).toBe(200);
  });

  test('ipv6Subnet: 56 groups IPv6 clients as express-rate-limit does by default (Sluice: /64)', () => {
    const address = '2001:db8:1:2:3:4:5:6';
    expect(clientIpKey(address, 56)).toBe(ipKeyGenerator(address, 56));
    expect(clientIpKey(address, 56)).toBe('2001:db8:1::/56');
    expect(clientIpKey(address, 64)).toBe('2001:db8:1:2::/64');
    // Both unwrap IPv4-mapped addresses to the IPv4 client.
    expect(clientIpKey('::ffff:192.0.2.1', 64)).toBe(ipKeyGenerator('::ffff:192.0.2.1', 56));
  });
});
