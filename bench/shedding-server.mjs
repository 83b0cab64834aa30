// Child process of bench/shedding.mjs: an Express server on 127.0.0.1 in front of a
// SimulatedResource, with or without loadShedding. Reports its port; once told 'start', every
// 100 ms the limit and the concurrency at the resource, over IPC; exits when the parent disconnects.
//   node shedding-server.mjs <gradient|aimd|none> <slots> <serviceMs>
import { loadSluice } from './lib/env.mjs';
import { SimulatedResource } from './shedding-kit.mjs';

const [mode, slotsArg, serviceArg] = process.argv.slice(2);
const { '@sluice/core': core, '@sluice/express': sluiceExpress } = await loadSluice(['@sluice/core', '@sluice/express']);
const { default: express } = await import('express');

const resource = new SimulatedResource(Number(slotsArg), Number(serviceArg));
const app = express();
const limiter = mode === 'none' ? undefined : core.createAdaptiveLimiter({ algorithm: mode });
if (limiter !== undefined) app.use(sluiceExpress.loadShedding({ limiter, priority: (req) => req.get('x-priority') ?? 'normal' }));
app.get('/work', async (_req, res) => {
  await resource.use();
  res.send('ok');
});
let timer;
const server = app.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
// Longer than the run: Node's 5 s default races the client reusing an idle socket (ECONNRESET).
server.keepAliveTimeout = 600_000;
process.on('message', (message) => {
  if (message !== 'start') return;
  const origin = performance.now();
  timer = setInterval(() => {
    process.send({ atMs: performance.now() - origin, limit: limiter?.limit ?? null, load: resource.load });
  }, 100);
});
process.on('disconnect', () => {
  clearInterval(timer);
  server.closeAllConnections();
  server.close();
});
