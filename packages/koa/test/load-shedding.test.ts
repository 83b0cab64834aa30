import Koa, { type Context } from 'koa';
import { describeLoadShedding, listening, priorityFor, type ShedApp, type ShedAppSpec } from '../../core/test/shedding-harness.js';
import { loadShedding } from '../src/index.js';

async function start(spec: ShedAppSpec): Promise<ShedApp> {
  const app = new Koa();
  app.silent = true; // the /throw route's error is expected; keep it off stderr
  app.use(loadShedding({ ...spec.options, priority: priorityFor(spec.priority, (ctx: Context) => ctx.get('x-priority') || undefined) }));
  app.use(async (ctx) => {
    if (ctx.path === '/hold') await spec.gates.hold(String(ctx.query.id));
    else if (ctx.path === '/throw') throw new Error('handler failed');
    else if (ctx.path === '/destroy') {
      ctx.req.socket.destroy();
      return;
    }
    ctx.body = 'ok';
  });
  return listening(app.listen(0, '127.0.0.1'));
}

describeLoadShedding('koa', start, (options) => loadShedding(options as never));
