// After: the same app on Sluice (@sluice/express, memory store).
// Run: node scripts/build.mjs packages/express && node examples/migration/express-rate-limit/after.js
import { fileURLToPath } from 'node:url';
import express from 'express';
import { fixedWindow } from '@sluice/core';
import { rateLimit } from '@sluice/express';

export function createApp() {
  const app = express();

  // windowMs + limit -> one named policy; draft-10 RateLimit/RateLimit-Policy headers by default.
  app.use('/api', rateLimit({ policies: [fixedWindow({ name: 'api', limit: 5, window: '1m' })] }));
  app.get('/api/hello', (req, res) => {
    res.json({ hello: 'world', remaining: req.rateLimit?.remaining });
  });

  // skipSuccessfulRequests: true -> refund what a successful response cost.
  const loginLimit = rateLimit({
    policies: [fixedWindow({ name: 'login', limit: 3, window: '15m' })],
    refund: (status) => status < 400,
  });
  app.post('/login', express.json(), loginLimit, (req, res) => {
    if (req.body?.password === 'correct horse') res.json({ ok: true });
    else res.status(401).json({ ok: false });
  });
  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 3000);
  createApp().listen(port, '127.0.0.1', () => console.log(`after (Sluice): http://127.0.0.1:${port}/api/hello`));
}
