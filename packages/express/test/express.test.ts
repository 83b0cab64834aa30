// Express-specific wiring the shared behaviour table cannot express: routers, route patterns in keys, errors.
import { fixedWindow, ErrorCodes } from '@sluice/core';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import supertest from 'supertest';
import { keys, rateLimit } from '../src/index.js';

const minute = (limit: number) => fixedWindow({ name: 'minute', limit, window: '1m' });

function appWithErrors() {
  const app = express();
  const errors: unknown[] = [];
  const finish = () => {
    app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      errors.push(error);
      res.status(500).json({ error: (error as { code?: string }).code });
    });
    return app;
  };
  return { app, errors, finish };
}

describe('@sluice/express wiring', () => {
  it('limits only the routes of the router it is mounted on', async () => {
    const app = express();
    const api = Router();
    api.use(rateLimit({ policies: [minute(1)] }));
    api.get('/thing', (_req, res) => res.json({ ok: true }));
    app.use('/api', api);
    app.get('/open', (_req, res) => res.json({ ok: true }));
    expect((await supertest(app).get('/api/thing')).status).toBe(200);
    expect((await supertest(app).get('/api/thing')).status).toBe(429);
    expect((await supertest(app).get('/open')).status).toBe(200);
    expect((await supertest(app).get('/open')).headers['ratelimit']).toBeUndefined();
  });

  it('keys.ip({ route: true }) counts per route pattern, not per URL', async () => {
    const app = express();
    const perRoute = rateLimit({ policies: [minute(2)], key: keys.ip({ route: true }) });
    app.get('/items/:id', perRoute, (_req, res) => res.json({ ok: true }));
    app.get('/users/:id', perRoute, (_req, res) => res.json({ ok: true }));
    expect((await supertest(app).get('/items/1')).headers['ratelimit']).toBe('"minute";r=1;t=60');
    expect((await supertest(app).get('/items/2')).headers['ratelimit']).toBe('"minute";r=0;t=60');
    expect((await supertest(app).get('/users/1')).headers['ratelimit']).toBe('"minute";r=1;t=60');
  });

  it('keys.header() keys by API key and falls back to the client IP', async () => {
    const app = express();
    app.use(rateLimit({ policies: [minute(1)], key: keys.header('x-api-key') }));
    app.get('/', (req, res) => res.json({ rateLimit: req.rateLimit }));
    expect((await supertest(app).get('/').set('x-api-key', 'a')).status).toBe(200);
    expect((await supertest(app).get('/').set('x-api-key', 'a')).status).toBe(429);
    expect((await supertest(app).get('/').set('x-api-key', 'b')).status).toBe(200);
    expect((await supertest(app).get('/')).status).toBe(200);
    expect((await supertest(app).get('/')).status).toBe(429);
  });

  it('hands key, policy and onLimited failures to the error handler', async () => {
    const { app, errors, finish } = appWithErrors();
    app.get('/async-key', rateLimit({ policies: [minute(1)], key: async () => Promise.reject(new Error('lookup failed')) }), (_req, res) =>
      res.end(),
    );
    app.get('/bad-policies', rateLimit({ policies: () => 'nope' as never }), (_req, res) => res.end());
    app.get(
      '/throwing-on-limited',
      rateLimit({
        policies: [minute(1)],
        onLimited: () => {
          throw new Error('onLimited broke');
        },
      }),
      (_req, res) => res.end(),
    );
    finish();
    expect((await supertest(app).get('/async-key')).status).toBe(500);
    expect((await supertest(app).get('/bad-policies')).body).toEqual({ error: ErrorCodes.INVALID_OPTION });
    await supertest(app).get('/throwing-on-limited');
    expect((await supertest(app).get('/throwing-on-limited')).status).toBe(500);
    expect(errors.map((error) => (error as Error).message)).toEqual([
      'lookup failed',
      expect.stringContaining('policies'),
      'onLimited broke',
    ]);
  });

  it('the same middleware mounted twice on one request charges it once', async () => {
    const app = express();
    const limit = rateLimit({ policies: [minute(3)] });
    app.use(limit);
    app.get('/', limit, (req, res) => res.json({ decisions: req.rateLimits?.length }));
    const response = await supertest(app).get('/');
    expect(response.headers['ratelimit']).toBe('"minute";r=2;t=60');
    expect(response.body).toEqual({ decisions: 1 });
  });

  it('exposes req.rateLimit without adding a property to the request, and lets handlers overwrite it', async () => {
    const app = express();
    const sub = express();
    app.use(rateLimit({ policies: [minute(5)] }));
    sub.get('/', (req, res) => res.json({ own: Object.keys(req).filter((name) => name.startsWith('rateLimit')), remaining: req.rateLimit?.remaining }));
    app.use('/sub', sub);
    app.get('/', (req, res) => {
      const own = Object.keys(req).filter((name) => name.startsWith('rateLimit'));
      const before = req.rateLimits?.map((decision) => decision.remaining);
      req.rateLimit = undefined;
      res.json({ own, before, after: req.rateLimit ?? null });
    });
    expect((await supertest(app).get('/')).body).toEqual({ own: [], before: [4], after: null });
    // A sub-app re-prototypes the request: the decision is still there.
    expect((await supertest(app).get('/sub')).body).toEqual({ own: [], remaining: 3 });
  });

  it('exposes the decision on a bare router outside any Express app', async () => {
    const router = Router();
    router.use(rateLimit({ policies: [minute(5)], key: () => 'client' }));
    router.get('/', (req, res) => {
      res.setHeader('x-remaining', String(req.rateLimit?.remaining));
      res.end(String(req.rateLimits?.length));
    });
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => router(req as never, res as never, () => res.end('none')));
    const response = await supertest(server).get('/');
    expect(response.headers['x-remaining']).toBe('4');
    expect(response.text).toBe('1');
  });

  it('validates options when the middleware is created, not on the first request', () => {
    expect(() => rateLimit({ policies: [minute(1)], legacyHeader: true } as never)).toThrow(
      expect.objectContaining({ code: ErrorCodes.UNKNOWN_OPTION, option: 'legacyHeader' }),
    );
  });
});
