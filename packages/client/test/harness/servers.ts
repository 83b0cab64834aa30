// Real HTTP servers on 127.0.0.1 (port 0) for the client tests: a Sluice-limited Express app
// that counts what it answered, and a scripted Express app that answers a given sequence.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type Request, type Response } from 'express';
import { rateLimit } from '@sluice/express';
import type { Policy } from '@sluice/core';

export interface TestServer {
  readonly url: string;
  /** Responses sent, by status code. */
  readonly statuses: Map<number, number>;
  /** Every request received, in order: method and body text. */
  readonly requests: { method: string; body: string }[];
  close(): Promise<void>;
}

function listen(app: express.Express, statuses: Map<number, number>, requests: TestServer['requests']): Promise<TestServer> {
  return new Promise((resolve, reject) => {
    const server: Server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        statuses,
        requests,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
    server.once('error', reject);
  });
}

function recorder(statuses: Map<number, number>, requests: TestServer['requests']) {
  return (req: Request, res: Response, next: () => void): void => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      requests.push({ method: req.method, body });
      res.on('finish', () => statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1));
      next();
    });
  };
}

/** An Express app limited by @sluice/express with `policies` (one key: every caller is 127.0.0.1). */
export function startLimitedServer(policies: Policy[]): Promise<TestServer> {
  const statuses = new Map<number, number>();
  const requests: TestServer['requests'] = [];
  const app = express();
  app.use(recorder(statuses, requests));
  app.use(rateLimit({ policies }));
  app.all('/{*path}', (_req, res) => {
    res.send('ok');
  });
  return listen(app, statuses, requests);
}

export type Script = (index: number, req: Request, res: Response) => void;

/** An Express app whose n-th request (from 0) is answered by `script(n, req, res)`. */
export function startScriptedServer(script: Script): Promise<TestServer> {
  const statuses = new Map<number, number>();
  const requests: TestServer['requests'] = [];
  const app = express();
  app.use(recorder(statuses, requests));
  let index = 0;
  app.all('/{*path}', (req, res) => script(index++, req, res));
  return listen(app, statuses, requests);
}
