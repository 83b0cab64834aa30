import Koa, { type Context, type Middleware } from 'koa';
import { listening } from '../../core/test/shedding-harness.js';
import { runHandlerDone } from '../../../test/adapter-behaviour/handler-done.js';
import { loadShedding, rateLimit } from '../src/index.js';

runHandlerDone({
  name: 'koa',
  async start(guard, probe) {
    const app = new Koa();
    app.silent = true;
    const middleware: Middleware =
      guard.kind === 'rateLimit'
        ? rateLimit({ store: guard.store, policies: guard.policies, key: () => 'one', cost: (ctx: Context) => Number(ctx.get('x-cost') || 1) })
        : loadShedding({ limiter: guard.limiter });
    app.use(middleware);
    app.use(async (ctx) => {
      probe.entered(ctx.res);
      if (ctx.path === '/never') {
        await new Promise(() => {});
        return;
      }
      if (ctx.path === '/gate') await probe.gate();
      else await new Promise((resolve) => setTimeout(resolve, Number(ctx.query.ms)));
      probe.left();
      ctx.body = 'ok';
    });
    return listening(app.listen(0, '127.0.0.1'));
  },
});
