import { Agent, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLimiter, fixedWindow, MemoryStore } from '@sluice/core';
import express from 'express';
import { rateLimit } from '../src/index.js';

/**
 * Flood (issue 11 item 5): 10,000 requests, each with a different spoofed X-Forwarded-For, from
 * one client over real loopback sockets. With trust proxy off the header is ignored: every
 * request is keyed by the socket address, so the client gets `LIMIT` requests and 429 after.
 */
const LIMIT = 100;
const REQUESTS = 10_000;
const CONCURRENCY = 16;

let server: Server;
let port: number;
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const store = new MemoryStore();
const keys = new Set<string>();
const warnings: string[] = [];

beforeAll(async () => {
  const limiter = createLimiter({ store, policies: [fixedWindow({ limit: LIMIT, window: '1h' })], prefix: 'flood' });
  const middleware = rateLimit({ limiter, onWarning: (warning) => warnings.push(warning.code) });
  middleware.events.on('decision', (event) => keys.add(event.key));
  const app = express();
  app.set('trust proxy', false); // Express's default, stated: the point of the test
  app.use(middleware);
  app.get('/', (_req, res) => {
    res.send('ok');
  });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  agent.destroy();
  await new Promise((resolve) => server.close(resolve));
  store.close();
});

/** A different address per request, as a client forging the header would send. */
const spoofed = (i: number) => `198.51.${(i >> 8) & 255}.${i & 255}, 10.0.0.${i % 250}`;

/** One GET over the keep-alive pool (one TCP client: its address is the only true one). */
function get(i: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent, headers: { 'x-forwarded-for': spoofed(i) } }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end();
  });
}

test('10,000 spoofed X-Forwarded-For values with trust proxy off are one client: LIMIT admitted, then 429', async () => {
  const first: number[] = [];
  for (let i = 0; i < LIMIT; i++) first.push(await get(i));
  expect(first).toEqual(Array(LIMIT).fill(200));

  const statuses: Record<number, number> = {};
  let next = LIMIT;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        const status = await get(next++);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  expect(statuses).toEqual({ 429: REQUESTS - LIMIT });
  // One key (the socket's address), one state in the store.
  expect([...keys]).toEqual(['127.0.0.1']);
  expect(store.size).toBe(1);
  // The header was seen and ignored, and said so once (not once per request).
  expect(warnings).toEqual(['SLUICE_UNTRUSTED_FORWARDED_FOR']);
}, 120_000);
