#!/usr/bin/env node
// What a 'decision' listener costs each decision (the read-only view of the decision it gets,
// the event, the call), on core's built dist: MemoryStore, one policy, synchronous consume.
// Not a test: numbers for docs/observability.md. CPU time (process.cpuUsage) per slice of
// SLICE decisions, contenders interleaved (order reversed every other round), median of ROUNDS.
// Each kind of listener runs in a process of its own (an app attaches one kind: several kinds in
// one process would make the event's call sites polymorphic and measure that instead).
//   node scripts/build.mjs packages/core && node packages/core/test/measure/decision-view.mjs
// To compare with another build in the same run (ratios are what compare on a shared machine):
// copy packages/core/dist/esm somewhere first, e.g. at an older commit, and pass that folder:
//   node packages/core/test/measure/decision-view.mjs --before /tmp/core-before
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as current from '@sluice/core';

const SLICE = Number(process.env.SLICE ?? 200_000);
const ROUNDS = Number(process.env.ROUNDS ?? 21);

const at = process.argv.indexOf('--before');
const beforeDir = at > 0 ? resolve(process.argv[at + 1]) : undefined;
const child = process.argv.indexOf('--listener');

let sink = 0;
/** What listeners do: nothing; what @sluice/prometheus reads (policy, decidedBy on a denial); one result. */
const LISTENERS = {
  'no-op': () => {},
  metrics: (e) => {
    sink ^= (e.enforced ? e.decision.policy : (e.decision.shadow?.policy ?? e.decision.policy)).length;
    if (e.outcome === 'denied') sink ^= e.decision.decidedBy.length;
  },
  'reads results': (e) => {
    sink ^= e.decision.results[0].remaining;
  },
};

function limiterOf(core, listener) {
  const limiter = core.createLimiter({ policies: [core.fixedWindow({ limit: 1e12, window: '1h' })] });
  if (listener !== undefined) limiter.events.on('decision', listener);
  return limiter;
}

/** ns of CPU per decision over one slice. */
function slice(limiter) {
  const started = process.cpuUsage();
  for (let i = 0; i < SLICE; i++) sink ^= limiter.consume('k').remaining;
  const used = process.cpuUsage(started);
  return ((used.user + used.system) * 1000) / SLICE;
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

/** One kind of listener, in this process: no listener, the listener, the listener on the other build. */
async function measure(kind) {
  const listener = LISTENERS[kind];
  const contenders = [['no listener', limiterOf(current)], [`${kind} listener`, limiterOf(current, listener)]];
  if (beforeDir !== undefined) {
    const before = await import(pathToFileURL(resolve(beforeDir, 'index.js')).href);
    contenders.push([`${kind} listener (before)`, limiterOf(before, listener)]);
  }
  for (const [, limiter] of contenders) slice(limiter); // warm up: optimized code for every contender
  const times = new Map(contenders.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    for (const [name, limiter] of order) times.get(name).push(slice(limiter));
  }
  const quiet = median(times.get('no listener'));
  for (const [name] of contenders) {
    const values = times.get(name);
    const ns = median(values);
    const over = name === 'no listener' ? '' : `  +${(ns - quiet).toFixed(0)} ns over no listener`;
    console.log(`${name.padEnd(32)} ${ns.toFixed(0).padStart(5)} ns  (${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)})${over}`);
  }
  if (sink === 0.5) console.log(sink); // keeps the reads alive
}

if (child > 0) {
  await measure(process.argv[child + 1]);
} else {
  console.log(`node ${process.version}, ${cpus().length} CPUs, load ${loadavg()[0].toFixed(1)}; ${ROUNDS} rounds of ${SLICE} decisions, CPU ns per decision (median, min-max)`);
  for (const kind of Object.keys(LISTENERS)) {
    const args = [fileURLToPath(import.meta.url), '--listener', kind, ...(beforeDir === undefined ? [] : ['--before', beforeDir])];
    process.stdout.write(execFileSync(process.execPath, args, { encoding: 'utf8' }));
  }
}
