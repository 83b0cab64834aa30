import express, { type NextFunction, type Request, type Response } from 'express';
import { describeLoadShedding, listening, priorityFor, type ShedApp, type ShedAppSpec } from '../../core/test/shedding-harness.js';
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
  return listening(app.listen(0, '127.0.0.1'));
}

describeLoadShedding('express', start, (options) => loadShedding(options as never));
