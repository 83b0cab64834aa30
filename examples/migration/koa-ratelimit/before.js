// Before: koa-ratelimit 6 with its memory driver.
// Run: node examples/migration/koa-ratelimit/before.js   (PORT=4000 for another port)
import { fileURLToPath } from 'node:url';
import Koa from 'koa';
import ratelimit from 'koa-ratelimit';

export function createApp() {
  const app = new Koa();
  app.use(
    ratelimit({
      driver: 'memory',
      db: new Map(),
      duration: 60_000,
      max: 5,
      whitelist: (ctx) => ctx.path === '/health',
    }),
  );
  app.use((ctx) => {
    ctx.body = { hello: 'world' };
  });
  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 3000);
  createApp().listen(port, '127.0.0.1', () => console.log(`before (koa-ratelimit): http://127.0.0.1:${port}/`));
}
