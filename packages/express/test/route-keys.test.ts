// Issue 8 item 3: a route-scoped key must not split when a client respells the path in a way
// Express's router ignores; it follows the app's 'case sensitive routing' and 'strict routing'.
import { fixedWindow } from '@sluice/core';
import express, { Router, type Request, type Response } from 'express';
import supertest from 'supertest';
import { keys, rateLimit } from '../src/index.js';

const RESPELLINGS = ['/LOGIN', '/Login', '/login/', '//login', '/%6Cogin'];
const loginLimit = () => rateLimit({ key: keys.ip({ route: true, method: true }), policies: [fixedWindow({ limit: 3, window: '15m' })] });

/** Spends the three logins allowed, then expects the fourth to be refused. */
async function exhaustLogin(app: express.Express, path = '/login'): Promise<void> {
  for (let i = 0; i < 3; i++) expect((await supertest(app).post(path)).status).toBe(200);
  expect((await supertest(app).post(path)).status).toBe(429);
}

function countingHandler() {
  const calls: string[] = [];
  const handler = (req: Request, res: Response) => {
    calls.push(req.originalUrl);
    res.json({ ok: true });
  };
  return { calls, handler };
}

describe('Express: route-scoped keys follow the router', () => {
  it('app-wide: after the 429 on POST /login every respelling the router ignores is refused too', async () => {
    const app = express();
    const { calls, handler } = countingHandler();
    app.use(loginLimit());
    app.post('/login', handler);
    app.post('/logout', handler);
    await exhaustLogin(app);
    for (const path of RESPELLINGS) expect([path, (await supertest(app).post(path)).status]).toEqual([path, 429]);
    expect(calls).toHaveLength(3);
    // Other routes and methods keep their own buckets.
    expect((await supertest(app).post('/logout')).status).toBe(200);
    expect((await supertest(app).get('/login')).status).toBe(404);
  });

  it('app-wide in a case-sensitive, strict app: only what the router merges is merged', async () => {
    const app = express();
    app.set('case sensitive routing', true);
    app.set('strict routing', true);
    const { calls, handler } = countingHandler();
    app.use(loginLimit());
    app.post('/login', handler);
    app.post('/Login', handler); // a different route here, with its own bucket
    await exhaustLogin(app);
    expect((await supertest(app).post('/Login')).status).toBe(200);
    expect((await supertest(app).post('/LOGIN')).status).toBe(404);
    expect((await supertest(app).post('/login/')).status).toBe(404);
    for (const path of ['//login', '/%6Cogin', '/log%69n']) expect([path, (await supertest(app).post(path)).status]).toEqual([path, 429]);
    expect(calls).toEqual(['/login', '/login', '/login', '/Login']);
  });

  it('route middleware keys on the pattern: respellings that reach the route share its bucket', async () => {
    const app = express();
    const { calls, handler } = countingHandler();
    app.post('/login', loginLimit(), handler);
    await exhaustLogin(app);
    for (const path of ['/LOGIN', '/Login', '/login/']) expect([path, (await supertest(app).post(path)).status]).toEqual([path, 429]);
    // The router does not send these to the route at all: 404, the handler never runs.
    for (const path of ['//login', '/%6Cogin']) expect([path, (await supertest(app).post(path)).status]).toEqual([path, 404]);
    expect(calls).toHaveLength(3);
  });

  it('a router mounted at /api: the mount path is normalised, the route pattern kept', async () => {
    const app = express();
    const api = Router();
    const { calls, handler } = countingHandler();
    api.post('/users/:id/login', loginLimit(), handler);
    app.use('/api', api);
    await exhaustLogin(app, '/api/users/1/login');
    for (const path of ['/API/users/2/login', '/Api/users/3/LOGIN/']) expect([path, (await supertest(app).post(path)).status]).toEqual([path, 429]);
    expect(calls).toHaveLength(3);
  });

  it('HEAD shares the GET bucket: Express answers it with the GET handler', async () => {
    const app = express();
    const { calls, handler } = countingHandler();
    app.use(rateLimit({ key: keys.ip({ route: true, method: true }), policies: [fixedWindow({ limit: 2, window: '15m' })] }));
    app.get('/search', handler);
    expect((await supertest(app).get('/search')).status).toBe(200);
    expect((await supertest(app).head('/search')).status).toBe(200);
    expect((await supertest(app).head('/search')).status).toBe(429);
    expect((await supertest(app).get('/SEARCH/')).status).toBe(429);
    expect(calls).toHaveLength(2);
  });
});
