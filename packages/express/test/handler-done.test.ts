import express, { type Request, type RequestHandler } from 'express';
import { listening } from '../../core/test/shedding-harness.js';
import { runHandlerDone } from '../../../test/adapter-behaviour/handler-done.js';
import { loadShedding, rateLimit } from '../src/index.js';

runHandlerDone({
  name: 'express',
  async start(guard, probe) {
    const app = express();
    const middleware: RequestHandler =
      guard.kind === 'rateLimit'
        ? rateLimit({ store: guard.store, policies: guard.policies, key: () => 'one', cost: (req: Request) => Number(req.get('x-cost') ?? 1) })
        : loadShedding({ limiter: guard.limiter });
    app.use(middleware);
    app.get('/work', async (req, res) => {
      probe.entered(res);
      await new Promise((resolve) => setTimeout(resolve, Number(req.query.ms)));
      probe.left();
      res.send('ok');
    });
    app.get('/gate', async (req, res) => {
      probe.entered(res);
      await probe.gate();
      probe.left();
      res.send('ok');
    });
    app.get('/never', (req, res) => probe.entered(res));
    return listening(app.listen(0, '127.0.0.1'));
  },
});
