// Before: express-rate-limit 8 on its memory store.
// Run: node examples/migration/express-rate-limit/before.js   (PORT=4000 for another port)
import { fileURLToPath } from 'node:url';
import express from 'express';
import { rateLimit } from 'express-rate-limit';

export function createApp() {
  const app = express();

  // 5 requests a minute per IP on /api, draft-7 headers, no X-RateLimit-*.
  app.use(
    '/api',
    rateLimit({
      windowMs: 60_000,
      limit: 5,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      message: { error: 'Too many requests, slow down.' },
    }),
  );
  app.get('/api/hello', (req, res) => {
    res.json({ hello: 'world', remaining: req.rateLimit.remaining });
  });

  // 3 failed logins per 15 minutes; successful logins are not counted.
  const loginLimit = rateLimit({
    windowMs: 15 * 60_000,
    limit: 3,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
  });
  app.post('/login', express.json(), loginLimit, (req, res) => {
    if (req.body?.password === 'correct horse') res.json({ ok: true });
    else res.status(401).json({ ok: false });
  });
  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 3000);
  createApp().listen(port, '127.0.0.1', () => console.log(`before (express-rate-limit): http://127.0.0.1:${port}/api/hello`));
}
