// Before: rate-limiter-flexible 9 (RateLimiterMemory) with hand-written Express middleware.
// Run: node examples/migration/rate-limiter-flexible/before.js   (PORT=4000 for another port)
import { fileURLToPath } from 'node:url';
import express from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

const API_POINTS = 5;
const LOGIN_POINTS = 3;

export function createApp() {
  const api = new RateLimiterMemory({ keyPrefix: 'api', points: API_POINTS, duration: 60 });
  // Failed logins per user name, for 15 minutes.
  const logins = new RateLimiterMemory({ keyPrefix: 'login', points: LOGIN_POINTS, duration: 15 * 60 });

  const app = express();
  app.use('/api', async (req, res, next) => {
    try {
      const result = await api.consume(req.ip);
      res.set({ 'X-RateLimit-Limit': String(API_POINTS), 'X-RateLimit-Remaining': String(result.remainingPoints) });
      next();
    } catch (rejection) {
      // consume() rejects with a RateLimiterRes when over the limit, with an Error when the store fails.
      if (!(rejection instanceof RateLimiterRes)) return next(rejection);
      res.set({ 'Retry-After': String(Math.ceil(rejection.msBeforeNext / 1000)), 'X-RateLimit-Limit': String(API_POINTS), 'X-RateLimit-Remaining': '0' });
      res.status(429).send('Too Many Requests');
    }
  });
  app.get('/api/hello', (_req, res) => {
    res.json({ hello: 'world' });
  });

  app.post('/login', express.json(), async (req, res) => {
    const user = String(req.body?.user ?? '');
    const state = await logins.get(user); // null when the user has no failures yet
    if (state !== null && state.consumedPoints >= LOGIN_POINTS) {
      res.set('Retry-After', String(Math.ceil(state.msBeforeNext / 1000)));
      return res.status(429).json({ error: 'too many failed logins' });
    }
    if (req.body?.password === 'correct horse') {
      await logins.delete(user); // a success forgets the failures
      return res.json({ ok: true });
    }
    await logins.consume(user).catch(() => {}); // count the failure (rejects once over the limit)
    res.status(401).json({ ok: false });
  });
  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 3000);
  createApp().listen(port, '127.0.0.1', () => console.log(`before (rate-limiter-flexible): http://127.0.0.1:${port}/api/hello`));
}
