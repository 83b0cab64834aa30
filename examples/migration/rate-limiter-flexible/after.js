// After: Sluice. The hand-written middleware becomes @sluice/express; the login check keeps the
// same shape on a core limiter (peek, consume, reset).
// Run: node scripts/build.mjs packages/express && node examples/migration/rate-limiter-flexible/after.js
import { fileURLToPath } from 'node:url';
import express from 'express';
import { createLimiter, fixedWindow } from '@sluice/core';
import { rateLimit } from '@sluice/express';

export function createApp() {
  // keyPrefix -> prefix; points + duration (seconds) -> limit + window.
  const logins = createLimiter({ prefix: 'login', policies: [fixedWindow({ name: 'login', limit: 3, window: '15m' })] });

  const app = express();
  // Headers, Retry-After and the 429 body are the middleware's job now.
  app.use('/api', rateLimit({ prefix: 'api', policies: [fixedWindow({ name: 'api', limit: 5, window: '1m' })], legacyHeaders: true }));
  app.get('/api/hello', (_req, res) => {
    res.json({ hello: 'world' });
  });

  app.post('/login', express.json(), async (req, res, next) => {
    try {
      // rate-limiter-flexible takes '' as a key; Sluice refuses an empty key (a typed error), so
      // the user name goes after a fixed `user:` and a missing name is one more (empty) name.
      const key = `user:${String(req.body?.user ?? '')}`;
      const state = await logins.peek(key); // get(): never null; a fresh key has remaining === limit
      if (!state.allowed) {
        res.set('Retry-After', String(Math.ceil(state.retryAfterMs / 1000)));
        return res.status(429).json({ error: 'too many failed logins' });
      }
      if (req.body?.password === 'correct horse') {
        await logins.reset(key); // delete()
        return res.json({ ok: true });
      }
      await logins.consume(key); // resolves with { allowed: false } instead of rejecting
      res.status(401).json({ ok: false });
    } catch (error) {
      next(error); // a store failure or a bad key is an error, never a decision
    }
  });
  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 3000);
  createApp().listen(port, '127.0.0.1', () => console.log(`after (Sluice): http://127.0.0.1:${port}/api/hello`));
}
