'use strict';
// An Express app server in its own process, limited by a concurrency policy on RedisStore (the
// built packages). Its handler counts the requests in progress across every process with INCR
// on one Redis key, so the parent sees the true peak. Driven by IPC messages.
const { Cluster, Redis } = require('ioredis');
const express = require('express');
const { concurrency } = require('@sluice/core');
const { RedisStore } = require('@sluice/redis');
const { rateLimit } = require('@sluice/express');

let client;
let server;
let peak = 0;
let handled = 0;

async function handle(message) {
  switch (message.type) {
    case 'start': {
      const { address, prefix, counterKey, limit, holdMs } = message;
      client = address.url ? new Redis(address.url) : new Cluster(address.nodes);
      await client.ping();
      const app = express();
      app.use(
        rateLimit({
          store: new RedisStore({ client }),
          policies: [concurrency({ name: 'inflight', limit, leaseMs: '30s' })],
          prefix,
          key: () => 'shared',
          timeoutMs: 30000,
          onStoreError: 'deny',
        }),
      );
      app.get('/work', async (req, res) => {
        const inProgress = await client.incr(counterKey);
        if (inProgress > peak) peak = inProgress;
        await new Promise((resolve) => setTimeout(resolve, holdMs));
        await client.decr(counterKey);
        handled++;
        res.json({ ok: true });
      });
      server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      return { type: 'ready', port: server.address().port };
    }
    case 'report':
      return { type: 'report', peak, handled };
    case 'reset':
      peak = 0;
      handled = 0;
      return { type: 'reset' };
    case 'stop':
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await client.quit();
      process.disconnect();
      return undefined;
    default:
      throw new Error(`unknown message ${message.type}`);
  }
}

process.on('message', (message) => {
  handle(message).then(
    (reply) => reply && process.send(reply),
    (error) => process.send({ type: 'error', message: String((error && error.stack) || error) }),
  );
});
