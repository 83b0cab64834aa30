// After: the same app on Sluice (@sluice/fastify, memory store).
// Run: node scripts/build.mjs packages/fastify && node examples/migration/fastify-rate-limit/after.js
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { fixedWindow } from '@sluice/core';
import { rateLimit } from '@sluice/fastify';

export async function buildApp() {
  const app = Fastify();
  // max + timeWindow -> one named policy. Not-found responses are limited too.
  await app.register(rateLimit, { policies: [fixedWindow({ name: 'minute', limit: 5, window: '1m' })] });

  app.get('/', async () => ({ hello: 'world' }));
  // This route's own limit, instead of the plugin's.
  app.post('/login', { config: { rateLimit: { policies: [fixedWindow({ name: 'login', limit: 3, window: '15m' })] } } }, async () => ({
    ok: true,
  }));
  // Not limited.
  app.get('/health', { config: { rateLimit: false } }, async () => 'ok');
  return app;
}

// No top-level await: the test loads this file as CommonJS.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildApp()
    .then((app) => app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' }))
    .then((address) => console.log(`after (Sluice): ${address}/`));
}
