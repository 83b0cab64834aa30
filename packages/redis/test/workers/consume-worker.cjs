'use strict';
// An app server in its own process: the built @sluice/core and @sluice/redis, its own ioredis
// client, deciding through a limiter. The parent test drives it by IPC messages.
const { createHash } = require('node:crypto');
const { Cluster, Redis } = require('ioredis');
const { createLimiter, fixedWindow, slidingWindow, slidingLog, tokenBucket, leakyBucket } = require('@sluice/core');
const { RedisStore, DECISION_SCRIPTS } = require('@sluice/redis');

/** Limit 100: windows of a day (no edge can pass mid-test), buckets refilling 1 per second. */
function policyFor(algorithm) {
  switch (algorithm) {
    case 'fixed-window': return fixedWindow({ limit: 100, window: '1d' });
    case 'sliding-window': return slidingWindow({ limit: 100, window: '1d' });
    case 'sliding-log': return slidingLog({ limit: 100, window: '1d' });
    case 'token-bucket': return tokenBucket({ capacity: 100, refillPerSecond: 1 });
    case 'leaky-bucket': return leakyBucket({ capacity: 100, leakPerSecond: 1 });
    default: throw new Error(`unknown algorithm ${algorithm}`);
  }
}

let client;

async function handle(message) {
  switch (message.type) {
    case 'connect': {
      const { address } = message;
      client = address.url ? new Redis(address.url) : new Cluster(address.nodes);
      await client.ping();
      const scriptSha = createHash('sha1').update(DECISION_SCRIPTS.join('')).digest('hex');
      return { type: 'ready', scriptSha };
    }
    case 'fire': {
      const limiter = createLimiter({
        store: new RedisStore({ client }),
        policies: [policyFor(message.algorithm)],
        prefix: message.prefix,
        timeoutMs: 30000,
        onStoreError: 'deny',
      });
      const decisions = await Promise.all(Array.from({ length: message.calls }, () => limiter.consume(message.key)));
      return {
        type: 'done',
        admitted: decisions.filter((decision) => decision.allowed).length,
        degraded: decisions.filter((decision) => decision.degraded !== undefined).length,
      };
    }
    case 'stop':
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
