// The example API behind `npm start`: Express on Sluice's memory store, built packages (dist/),
// so run `npm run build` once first. PORT picks the port (default 3000).
import express from 'express';
import { Registry } from 'prom-client';
import { fixedWindow, leakyBucket, MemoryStore, slidingWindow, tokenBucket } from '@sluice/core';
import { rateLimit } from '@sluice/express';
import { prometheusMetrics } from '@sluice/prometheus';

const app = express();
app.use(express.json());

// One store for every limiter below (each under its own prefix), and one metrics registry:
// every limiter is observed, the store reports its size and breaker state.
const store = new MemoryStore();
const registry = new Registry();
const metrics = prometheusMetrics({ registry });
metrics.observeStore(store, 'memory');

// Not limited: registered before any limiter.
app.get('/health', (_req, res) => {
  res.json({ ok: true });
});

// Prometheus scrapes this (text format 0.0.4); not limited either.
app.get('/metrics', async (_req, res) => {
  res.set('Content-Type', registry.contentType).send(await registry.metrics());
});

// A generous global limit: bursts of 10, 2 per second sustained, at most 1000 an hour per client.
const apiLimit = rateLimit({
  store,
  prefix: 'api',
  policies: [
    tokenBucket({ name: 'burst', capacity: 10, refillPerSecond: 2 }),
    fixedWindow({ name: 'hourly', limit: 1000, window: '1h' }),
  ],
});
metrics.observe(apiLimit);
app.use(apiLimit);

app.get('/api/hello', (req, res) => {
  res.json({ hello: 'world', remaining: req.rateLimit?.remaining });
});

// A strict login limit that counts failed attempts only: a successful login is refunded.
// It stacks on the global limit: RateLimit-Policy lists burst, hourly and login together.
const loginLimit = rateLimit({
  store,
  prefix: 'login',
  policies: [slidingWindow({ name: 'login', limit: 5, window: '15m' })],
  refund: (status) => status < 400,
  onCallbackError: (error) => console.error('login refund failed:', error),
});
app.post('/login', loginLimit, (req, res) => {
  const limits = req.rateLimits?.map((decision) => `${decision.policy}: ${decision.remaining} left`);
  if (req.body?.password === 'correct horse battery staple') res.json({ welcome: req.body.user ?? 'friend', limits });
  else res.status(401).json({ error: 'wrong user or password', limits });
});

// An expensive export, shaped rather than refused: up to 5 queue up and leave one per second
// (a hold longer than maxDelayMs, 10 s by default, would be refused with 429 instead).
const exportQueue = rateLimit({ store, prefix: 'export', policies: [leakyBucket({ name: 'export', capacity: 5, leakPerSecond: 1 })] });
metrics.observe(loginLimit);
metrics.observe(exportQueue);
app.get('/api/export', exportQueue, (req, res) => {
  res.json({ rows: 3, heldMs: req.rateLimit?.delayMs ?? 0 });
});

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, (error) => {
  // Express 5 hands a listen error (e.g. EADDRINUSE) to this callback instead of throwing it.
  if (error) {
    console.error(`Cannot listen on port ${port}: ${error.message}. Try PORT=4000 npm start.`);
    process.exit(1);
  }
  console.log(`Sluice example API on http://localhost:${port}`);
  console.log('  GET  /api/hello   burst 10, 2/s, 1000/h per client');
  console.log('  POST /login       5 failed attempts per 15 min (successes refunded)');
  console.log('  GET  /api/export  shaped: queued up to 5, one per second');
  console.log('  GET  /health      not limited');
  console.log('  GET  /metrics     Prometheus metrics, not limited');
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
