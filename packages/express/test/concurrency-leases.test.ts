import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { rateLimit } from '../src/index.js';
import { runConcurrencyLeases } from '../../../test/adapter-behaviour/index.js';

runConcurrencyLeases({
  name: 'express',
  async start(options, probe) {
    const app = express();
    app.use(rateLimit({ ...options, key: () => 'one' }));
    app.get('/slow', async (req: Request, res: Response) => {
      probe.entered();
      await new Promise((resolve) => setTimeout(resolve, Number(req.query.ms)));
      probe.left();
      res.json({ ok: true });
    });
    app.get('/throw', () => {
      throw new Error('handler failed');
    });
    app.get('/hang', () => probe.arrived());
    app.use((_error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      res.status(500).json({ error: true });
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
