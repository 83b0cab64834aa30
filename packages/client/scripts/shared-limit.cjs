#!/usr/bin/env node
'use strict';
// The measurement: four processes calling one API for 30 s through one Redis-backed
// outbound limit of 50 per 10 s (each process with two call loops). Starts its own redis-server on a free loopback port (or uses
// REDIS_URL), needs the built packages (`npm run build`).
//   node packages/client/scripts/shared-limit.cjs [durationSeconds]
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const net = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { runSharedLimit } = require('./shared-limit-run.cjs');

function freePort() {
  return new Promise((done, fail) => {
    const server = net.createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-client-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise((done) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (up) break;
    await new Promise((done) => setTimeout(done, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function main() {
  const seconds = Number(process.argv[2] ?? 30);
  const redis = process.env.REDIS_URL ? { url: process.env.REDIS_URL, stop: () => undefined } : await startRedis();
  try {
    const limit = 50;
    const windowMs = 10_000;
    const result = await runSharedLimit({ redisUrl: redis.url, workers: 4, limit, windowMs, durationMs: seconds * 1000, concurrency: 2 });
    console.log(`4 processes, limit ${limit} per ${windowMs / 1000} s, ${seconds} s run`);
    console.log(`requests sent (received by the API): ${result.received}; per worker: ${result.sentByWorkers.join(', ')}`);
    console.log(
      `most in any ${windowMs / 1000} s window: ${result.mostAdmittedInAnyWindow} by admission time, ${result.mostArrivedInAnyWindow} by arrival at the API; ` +
        `${result.mostAdmittedInWindowLess100Ms} admitted in any ${(windowMs - 100) / 1000} s span`,
    );
    const first = Math.min(...result.arrivalsMs);
    const last = Math.max(...result.arrivalsMs);
    console.log(`first arrival at ${Math.round(first)} ms, last at ${Math.round(last)} ms after the workers started`);
  } finally {
    redis.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
