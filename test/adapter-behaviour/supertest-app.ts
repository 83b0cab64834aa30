import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import supertest from 'supertest';
import { headerText, parseBody, type AppSpec, type EventLog, type TestApp, type TestRequest } from './harness.js';

/**
 * A TestApp over a Node request listener (Express app, Koa callback): requests through
 * supertest, client IPs as an X-Forwarded-For from the trusted loopback proxy.
 */
export function supertestApp(framework: string, listener: RequestListener, spec: AppSpec, events: EventLog): TestApp {
  const servers: Server[] = [];
  return {
    events,
    async request({ path, headers = {}, clientIp }: TestRequest) {
      if (clientIp !== undefined && spec.trustProxy !== true) {
        throw new Error(`${framework} simulates client IPs through a trusted proxy: set trustProxy`);
      }
      const all = clientIp === undefined ? headers : { ...headers, 'x-forwarded-for': clientIp };
      const response = await supertest(listener).get(path).set(all);
      const out: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(response.headers)) out[name] = headerText(value);
      return { status: response.status, headers: out, body: parseBody(out['content-type'], response.text) };
    },
    async listen() {
      const server = createServer(listener);
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async close() {
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}
