// After: the same app on Sluice (@sluice/koa, memory store).
// Run: node scripts/build.mjs packages/koa && node examples/migration/koa-ratelimit/after.js
import { fileURLToPath } from 'node:url';
import Koa from 'koa';
import { fixedWindow } from '@sluice/core';
import { rateLimit } from '@sluice/koa';

export function createApp() {
  const app = new Koa();
  app.use(
    rateLimit({
      // duration + max -> one named policy (a fixed window from the client's first request, as before).
      policies: [fixedWindow({ name: 'minute', limit: 5, window: '1m' })],
      // Keep the X-RateLimit-* headers existing clients read, beside the draft-10 ones.
      legacyHeaders: true,
      // whitelist -> skip.
      skip: (ctx) => ctx.path === '/health',
    }),
  );
  app.use((ctx) => {
    ctx.body = { hello: 'world', remaining: ctx.state.rateLimit?.remaining };
  });
  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 3000);
  createApp().listen(port, '127.0.0.1', () => console.log(`after (Sluice): http://127.0.0.1:${port}/`));
}
