import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { describeLoadShedding, priorityFor, type ShedApp, type ShedAppSpec } from '../../core/test/shedding-harness.js';
import { loadShedding } from '../src/index.js';

async function start(spec: ShedAppSpec): Promise<ShedApp> {
  const app = express();
  app.use(loadShedding({ ...spec.options, priority: priorityFor(spec.priority, (req: Request) => req.get('x-priority')) }));
  app.get('/hold', async (req, res) => {
    await spec.gates.hold(String(req.query.id));
    res.send('ok');
  });
  app.get('/ok', (_req, res) => {
    res.send('ok');
  });
  app.get('/throw', () => {
    throw new Error('handler failed');
  });
  app.get('/destroy', (req) => {
    req.socket.destroy();
  });
  app.use((_error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).send('error');
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describeLoadShedding('express', start, (options) => loadShedding(options as never));
