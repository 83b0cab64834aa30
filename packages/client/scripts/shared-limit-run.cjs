'use strict';
// Several worker processes share one Redis-backed outbound limit while calling one HTTP API
// (a plain node:http server here, on 127.0.0.1, that records when each request arrived).
// Used by test/shared-limit.test.ts (short) and scripts/shared-limit.cjs (the 30 s run).
const { fork } = require('node:child_process');
const { existsSync } = require('node:fs');
const http = require('node:http');
const { join, resolve } = require('node:path');

const WORKER = join(__dirname, 'shared-limit-worker.cjs');
const packagesDir = resolve(__dirname, '../..');

function assertBuilt() {
  for (const name of ['core', 'redis', 'client']) {
    const entry = join(packagesDir, name, 'dist', 'cjs', 'index.js');
    if (!existsSync(entry)) {
      throw new Error(`${entry} is missing: the worker processes load the built packages. Run \`npm run build\` first (\`npm test\` does it).`);
    }
  }
}

function startApi() {
  const arrivals = [];
  const server = http.createServer((req, res) => {
    if (!req.url.endsWith('?warmup')) arrivals.push(Date.now());
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done({ server, arrivals, url: `http://127.0.0.1:${server.address().port}/v1/thing` })));
}

/** A worker process; `ask` sends a message and resolves with its reply. */
function startWorker() {
  const child = fork(WORKER, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (message) =>
    new Promise((done, fail) => {
      const onExit = (code) => fail(new Error(`worker exited with ${code} before answering`));
      child.once('exit', onExit);
      child.once('message', (reply) => {
        child.off('exit', onExit);
        if (reply.type === 'error') fail(new Error(`worker failed: ${reply.message}`));
        else done(reply);
      });
      child.send(message);
    });
  return { ask, kill: () => child.exitCode === null && child.kill() };
}

/** The most arrivals in any span of `windowMs` (a span starting at each arrival). */
function mostInWindow(arrivals, windowMs) {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end] - sorted[start] >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/**
 * Runs `workers` processes for `durationMs`, each with `concurrency` call loops, all limited to
 * `limit` per `windowMs` through one Redis. Returns what the API received, and the most
 * requests in any `windowMs` span counted two ways: by when the limiter admitted them (what
 * the limit bounds) and by when they reached the API (later by a varying network and
 * connection-setup delay, so a span of arrivals can hold a few more).
 */
async function runSharedLimit({ redisUrl, workers = 4, limit, windowMs, durationMs, concurrency = 4 }) {
  assertBuilt();
  const api = await startApi();
  const prefix = `client-shared-${process.pid}-${Date.now().toString(36)}`;
  try {
    const children = Array.from({ length: workers }, startWorker);
    let started;
    let results;
    try {
      // Every worker connects and warms up first; then all start together.
      await Promise.all(children.map((child) => child.ask({ type: 'prepare', redisUrl, url: api.url, prefix, limit, windowMs })));
      started = Date.now();
      results = await Promise.all(children.map((child) => child.ask({ type: 'run', durationMs, concurrency })));
    } finally {
      for (const child of children) child.kill();
    }
    const admitted = results.flatMap((r) => r.admittedAt);
    return {
      received: api.arrivals.length,
      sentByWorkers: results.map((r) => r.sent),
      admittedAt: admitted,
      mostAdmittedInAnyWindow: mostInWindow(admitted, windowMs),
      mostArrivedInAnyWindow: mostInWindow(api.arrivals, windowMs),
      // The same count over a span 100 ms shorter: what the limit bounds, read through the
      // few tens of ms by which a busy worker notes an admission late.
      mostAdmittedInWindowLess100Ms: mostInWindow(admitted, windowMs - 100),
      arrivalsMs: api.arrivals.map((t) => t - started),
    };
  } finally {
    api.server.closeAllConnections();
    await new Promise((done) => api.server.close(done));
  }
}

module.exports = { runSharedLimit, mostInWindow };
