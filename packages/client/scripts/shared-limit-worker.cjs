'use strict';
// One worker process of the shared-outbound-limit run: the built @sluice/core, @sluice/redis
// and @sluice/client, its own ioredis client, calling one API through withRateLimit with a
// Redis-backed limiter. Driven by IPC from shared-limit-run.cjs.
const { Redis } = require('ioredis');
const { createLimiter, slidingLog } = require('@sluice/core');
const { RedisStore } = require('@sluice/redis');
const { withRateLimit } = require('@sluice/client');

let setup;

/** Connects and warms up (connection, script cache, JIT) so that the run starts on a signal. */
async function prepare({ redisUrl, url, prefix, limit, windowMs }) {
  const redis = new Redis(redisUrl);
  redis.on('error', () => undefined);
  const limiter = createLimiter({
    store: new RedisStore({ client: redis }),
    // A sliding log is exact: no window of windowMs ever holds more than `limit`.
    policies: [slidingLog({ name: 'outbound', limit, window: windowMs })],
    prefix,
    timeoutMs: 5000,
    onStoreError: 'deny',
  });
  // When the limiter admitted each request (the 'limiter' wait event fires right after).
  const admittedAt = [];
  const client = withRateLimit(fetch, {
    limiter,
    limiterKey: 'api',
    pacing: false,
    maxDelayMs: windowMs * 2,
    onWait: (event) => event.reason === 'limiter' && admittedAt.push(Date.now()),
  });
  await limiter.peek('warmup');
  await (await fetch(`${url}?warmup`)).text();
  setup = { redis, client, url, admittedAt };
}

/** Calls the API from `concurrency` loops until `durationMs` has passed. */
async function run({ durationMs, concurrency }) {
  const { redis, client, url, admittedAt } = setup;
  const stop = AbortSignal.timeout(durationMs);
  let sent = 0;
  let stopped = 0;
  const loop = async () => {
    while (!stop.aborted) {
      try {
        const response = await client(url, { signal: stop });
        await response.text();
        sent++;
      } catch (error) {
        if (!stop.aborted) throw error;
        stopped++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  await redis.quit();
  return { sent, stopped, admittedAt };
}

process.on('message', (message) => {
  const fail = (error) => process.send({ type: 'error', message: String(error && error.stack ? error.stack : error) }, () => process.disconnect());
  if (message.type === 'prepare') prepare(message).then(() => process.send({ type: 'ready' }), fail);
  else if (message.type === 'run') run(message).then((result) => process.send({ type: 'done', ...result }, () => process.disconnect()), fail);
});
