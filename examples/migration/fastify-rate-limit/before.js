// Before: @fastify/rate-limit 11 on its in-memory (LRU) store.
// Run: node examples/migration/fastify-rate-limit/before.js   (PORT=4000 for another port)
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import rateLimit from '@fastify/rate-limit';

export async function buildApp() {
  const app = Fastify();
  await app.register(rateLimit, { max: 5, timeWindow: '1 minute' });

  app.get('/', async () => ({ hello: 'world' }));
  // This route's own limit, instead of the plugin's.
  app.post('/login', { config: { rateLimit: { max: 3, timeWindow: '15 minutes' } } }, async () => ({ ok: true }));
  // Not limited.
  app.get('/health', { config: { rateLimit: false } }, async () => 'ok');
  return app;
}

// No top-level await: the test loads this file as CommonJS.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildApp()
    .then((app) => app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' }))
    .then((address) => console.log(`before (@fastify/rate-limit): ${address}/`));
}
