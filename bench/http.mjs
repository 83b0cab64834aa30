#!/usr/bin/env node
// HTTP part: Express 5, Fastify 5 and Koa 3 hello world, bare, with two constant headers (the
// floor), with the framework's usual limiter and with Sluice (memory store, draft-10 headers).
//
// Method (resolves a few percent on two shared cores): per framework, ONE server process holds
// every variant and switches between them every BENCH_HTTP_SLICE_MS (random order each round),
// while autocannon (10 connections) loads it without pause. Server and load generator are pinned
// to different cores with taskset. Each slice records requests, wall time and the server's CPU
// time; ratios are taken per round against the same round's bare slice, and the mean ratio gets
// a 95% bootstrap interval. A second, identical bare app ('bare-again') shows the resolution.
//
//   npm run http -w bench [-- express koa]    (BENCH_QUICK=1 for a harness check)
import { execFileSync, fork, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { command, fmt, loadSluice, machine, printTable, QUICK, setting, sleep, versions } from './lib/env.mjs';
import { FRAMEWORKS, VARIANT_IDS } from './lib/http-variants.mjs';
import { saveResults } from './lib/results.mjs';
import { bootstrap, mean } from './lib/stats.mjs';

const require = createRequire(import.meta.url);
const ROUNDS = setting('BENCH_HTTP_ROUNDS', 50, 6);
const WARM_ROUNDS = setting('BENCH_HTTP_WARM_ROUNDS', 5, 1);
const SLICE_MS = setting('BENCH_HTTP_SLICE_MS', 200, 150);
const CONNECTIONS = 10;
const SERVER_SCRIPT = fileURLToPath(new URL('./http-server.mjs', import.meta.url));
const AUTOCANNON = require.resolve('autocannon/autocannon.js');

function hasTaskset() {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return cpus().length >= 2;
  } catch {
    return false;
  }
}
const PIN = hasTaskset();

function nextMessage(child) {
  return new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`server exited (${code}) before answering`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message);
    });
  });
}

/** Starts the load generator on core 1 for `seconds`; resolves with autocannon's JSON summary. */
function startLoad(port, seconds) {
  const args = [AUTOCANNON, '-c', String(CONNECTIONS), '-d', String(seconds), '-j', `http://127.0.0.1:${port}/`];
  const child = PIN ? spawn('taskset', ['-c', '1', process.execPath, ...args]) : spawn(process.execPath, args);
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.resume();
  const done = new Promise((resolve, reject) => {
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`autocannon exited ${code}`))));
  });
  return { child, done };
}

async function runFramework(name) {
  const framework = FRAMEWORKS[name];
  const server = fork(SERVER_SCRIPT, [name], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let load;
  try {
    const { port } = await nextMessage(server);
    if (PIN) execFileSync('taskset', ['-a', '-cp', '0', String(server.pid)], { stdio: 'ignore' });
    const headers = await probe(server, port);
    const seconds = Math.ceil(((WARM_ROUNDS + ROUNDS) * VARIANT_IDS.length * SLICE_MS) / 1000) + 2;
    load = startLoad(port, seconds);
    await sleep(1000); // connections open, first JIT tiers done
    server.send({ rounds: ROUNDS, warmRounds: WARM_ROUNDS, sliceMs: SLICE_MS });
    const { slices } = await nextMessage(server);
    const summary = await load.done;
    server.kill();
    if (summary.errors > 0 || summary.non2xx > 0) throw new Error(`${name}: ${summary.errors} errors, ${summary.non2xx} non-2xx responses under load`);
    return { ...analyse(framework, slices, summary), headers };
  } finally {
    if (server.exitCode === null) server.kill();
    if (load !== undefined && load.child.exitCode === null) load.child.kill();
  }
}

const ORDINARY_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-type', 'content-length', 'etag', 'x-powered-by']);

/**
 * Requests each variant once (the server switches on request): every one must answer 200 with
 * the body, and every limiter variant must write rate-limit headers, or the run measures nothing.
 * Returns the non-ordinary header names each variant sent.
 */
async function probe(server, port) {
  const sent = {};
  for (const [i, id] of VARIANT_IDS.entries()) {
    server.send({ probe: i });
    await nextMessage(server);
    const response = await fetch(`http://127.0.0.1:${port}/`);
    const body = await response.text();
    if (response.status !== 200 || body !== 'hello world') throw new Error(`variant ${id} answered ${response.status} ${body.slice(0, 80)}`);
    sent[id] = [...response.headers.keys()].filter((name) => !ORDINARY_HEADERS.has(name));
    const limits = sent[id].some((name) => /ratelimit/.test(name));
    if (limits !== (id === 'headers' || id === 'peer' || id === 'sluice')) throw new Error(`variant ${id} sent headers ${sent[id].join(', ') || '(none)'}`);
  }
  return sent;
}

/** Per-round ratios to the same round's bare (and floor) slice, with bootstrap intervals. */
function analyse(framework, slices, summary) {
  const byRound = new Map();
  for (const s of slices) {
    if (!byRound.has(s.round)) byRound.set(s.round, {});
    byRound.get(s.round)[s.variant] = { rate: s.requests / (s.wallMs / 1000), cpuUsPerRequest: s.cpuUs / s.requests };
  }
  const rounds = [...byRound.values()].filter((r) => VARIANT_IDS.every((v) => r[v]?.rate > 0));
  if (rounds.length === 0) throw new Error('no complete round');
  const variants = VARIANT_IDS.map((id) => {
    const rates = rounds.map((r) => r[id].rate);
    const cpu = rounds.map((r) => r[id].cpuUsPerRequest);
    return {
      id,
      label: { bare: 'bare', 'bare-again': 'bare again (A/A check)', headers: 'two constant headers, no limiter (floor)', peer: framework.peer, sluice: 'Sluice (memory, draft-10)' }[id],
      requestsPerSecond: mean(rates),
      cpuUsPerRequest: mean(cpu),
      // Throughput ratio to bare (wall clock) and the same from server CPU per request.
      vsBare: bootstrap(rounds.map((r) => r[id].rate / r.bare.rate)),
      vsBareCpu: bootstrap(rounds.map((r) => r.bare.cpuUsPerRequest / r[id].cpuUsPerRequest)),
      vsPeer: bootstrap(rounds.map((r) => r[id].rate / r.peer.rate)),
      vsPeerCpu: bootstrap(rounds.map((r) => r.peer.cpuUsPerRequest / r[id].cpuUsPerRequest)),
      usAboveBare: bootstrap(rounds.map((r) => r[id].cpuUsPerRequest - r.bare.cpuUsPerRequest)),
      usAboveFloor: bootstrap(rounds.map((r) => r[id].cpuUsPerRequest - r.headers.cpuUsPerRequest)),
    };
  });
  return { framework: framework.label, rounds: rounds.length, autocannon: { requests: summary.requests.total, errors: summary.errors, non2xx: summary.non2xx }, variants };
}

const ci = (b, digits = 3) => `${b.estimate.toFixed(digits)} [${b.low.toFixed(digits)}, ${b.high.toFixed(digits)}]`;

await loadSluice(['@sluice/core', '@sluice/express', '@sluice/koa', '@sluice/fastify']);
const chosen = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = chosen.length > 0 ? chosen : Object.keys(FRAMEWORKS);
const env = machine();
console.log(`http part${QUICK ? ' (QUICK: harness check only)' : ''}: ${env.cpu} x${env.cores}, Node ${env.node}, load ${env.loadAverage.join(' ')}`);
console.log(`${ROUNDS} rounds (+${WARM_ROUNDS} warm-up) x ${VARIANT_IDS.length} variants x ${SLICE_MS} ms slices per framework; autocannon -c ${CONNECTIONS}; ${PIN ? 'server on core 0, load on core 1 (taskset)' : 'NOT pinned (taskset or a second core missing)'}`);
const results = [];
for (const name of names) {
  const result = await runFramework(name);
  results.push(result);
  console.log(`\n${result.framework}: ${result.rounds} rounds, ${result.autocannon.requests.toLocaleString('en-US')} requests, 0 errors; headers: ${VARIANT_IDS.map((id) => `${id}: ${result.headers[id].join(', ') || '-'}`).join('; ')}`);
  printTable(
    ['variant', 'req/s (mean)', 'x bare [95% CI]', 'x bare by CPU [95% CI]', 'server CPU µs/req', 'µs/req above floor [95% CI]'],
    result.variants.map((v) => [v.label, fmt.rate(v.requestsPerSecond), ci(v.vsBare), ci(v.vsBareCpu), v.cpuUsPerRequest.toFixed(2), ci(v.usAboveFloor, 2)]),
  );
}
await saveResults('http', {
  machine: env,
  versions: versions(['@sluice/core', '@sluice/express', '@sluice/koa', '@sluice/fastify', 'express', 'fastify', 'koa', 'express-rate-limit', '@fastify/rate-limit', 'koa-ratelimit', 'autocannon']),
  command: command('npm run http -w bench'),
  settings: { rounds: ROUNDS, warmRounds: WARM_ROUNDS, sliceMs: SLICE_MS, connections: CONNECTIONS, pinned: PIN, variants: VARIANT_IDS },
  frameworks: results,
});
