import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { rateLimit } from '../src/index.js';
import { runConcurrencyLeases } from '../../../test/adapter-behaviour/index.js';

runConcurrencyLeases({
  name: 'koa',
  async start(options, probe) {
    const app = new Koa();
    app.silent = true; // the thrown handler's error is expected
    app.use(rateLimit({ ...options, key: () => 'one' }));
    app.use(async (ctx) => {
      if (ctx.path === '/slow') {
        probe.entered();
        await new Promise((resolve) => setTimeout(resolve, Number(ctx.query.ms)));
        probe.left();
        ctx.body = { ok: true };
      } else if (ctx.path === '/throw') {
        throw new Error('handler failed');
      } else if (ctx.path === '/hang') {
        probe.arrived();
        await new Promise((resolve) => ctx.req.socket.once('close', resolve));
      }
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  },
});
