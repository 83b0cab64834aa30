import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import { rateLimit } from '../src/index.js';
import { runAccessAndWaiting } from '../../../test/adapter-behaviour/access-and-waiting.js';

runAccessAndWaiting({
  name: 'express',
  async start(options, handled) {
    const app = express();
    const middleware = rateLimit(options);
    app.use(middleware);
    app.get('/ok', (_req: Request, res: Response) => {
      handled();
      res.json({ ok: true });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      waiting: () => middleware.waiting,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  },
});
