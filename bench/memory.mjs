#!/usr/bin/env node
// Memory part: decisions per second in one process at 1 hot key and 100,000 keys, Sluice (sync
// decide and async consume, every algorithm) beside rate-limiter-flexible, express-rate-limit,
// @fastify/rate-limit's LocalStore and the floors; then heap bytes per key at 1,000,000 keys.
//
//   npm run memory -w bench          (BENCH_QUICK=1 for a harness check)
//   BENCH_ROUNDS, BENCH_SLICE_MS, BENCH_KEYS, BENCH_HEAP_KEYS override the defaults.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { command, fmt, loadSluice, machine, printTable, QUICK, setting, sleep, versions } from './lib/env.mjs';
import { ipKeys, memoryContenders } from './lib/memory-contenders.mjs';
import { storeAdmitted } from './lib/closed-loop.mjs';
import { saveResults } from './lib/results.mjs';
import { shuffle, summarize } from './lib/stats.mjs';
import { makeRunner } from './lib/timed-loop.mjs';

const ROUNDS = setting('BENCH_ROUNDS', 9, 3);
const SLICE_MS = setting('BENCH_SLICE_MS', 300, 40);
const MANY_KEYS = setting('BENCH_KEYS', 100_000, 100_000);
const HEAP_KEYS = setting('BENCH_HEAP_KEYS', 1_000_000, 100_000);
const HEAP_CONTENDERS = ['floor.map', 'rlf', 'sluice.fixed-window', 'sluice.token-bucket', 'sluice.sliding-window', 'sluice.leaky-bucket', 'sluice.sliding-log'];
const gc = globalThis.gc ?? (() => {});

/** Every contender over the same keys, interleaved: ROUNDS rounds, each in a fresh random order. */
async function throughput(core, keyCount) {
  const keys = ipKeys(keyCount);
  const contenders = await memoryContenders(core, keyCount);
  for (const c of contenders) {
    // A Sluice decision that denies or comes from the failure policy would measure the wrong path.
    if (c.group.startsWith('sluice') && !storeAdmitted(await c.fn('verify-key'))) throw new Error(`${c.label}: first decision not admitted by the store`);
  }
  const runners = contenders.map((c) => makeRunner(c.fn, keys, c.kind));
  // Warm-up: JIT tiers settle and every key's state exists before anything is measured.
  for (const run of runners) await run(Math.max(SLICE_MS, 200));
  const samples = contenders.map(() => new Array(ROUNDS));
  for (let round = 0; round < ROUNDS; round++) {
    for (const i of shuffle(contenders.map((_, i) => i))) {
      // The previous contender's garbage is not this one's bill: collect it, then let V8's
      // concurrent sweeper finish (its threads count in process.cpuUsage too).
      gc();
      await sleep(30);
      samples[i][round] = (await runners[i](SLICE_MS)).perSecond;
    }
  }
  for (const c of contenders) await c.close?.();
  const byId = Object.fromEntries(contenders.map((c, i) => [c.id, samples[i]]));
  // Ratios are taken round by round (both figures from the same stretch of machine time).
  const ratioTo = (id, ref) => summarize(byId[id].map((v, r) => v / byId[ref][r]));
  return contenders.map((c) => ({
    id: c.id,
    label: c.label,
    group: c.group,
    kind: c.kind,
    keys: keyCount,
    perSecond: summarize(byId[c.id]),
    vsRlf: ratioTo(c.id, 'rlf'),
    vsMapFloor: ratioTo(c.id, 'floor.map'),
    samples: byId[c.id],
  }));
}

function heap() {
  const script = fileURLToPath(new URL('./memory-heap.mjs', import.meta.url));
  return HEAP_CONTENDERS.map((contender) => {
    const out = execFileSync(process.execPath, ['--expose-gc', script, contender, String(HEAP_KEYS)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    return JSON.parse(out.trim().split('\n').at(-1));
  });
}

async function main() {
  const { '@sluice/core': core } = await loadSluice(['@sluice/core']);
  if (typeof globalThis.gc !== 'function') console.warn('(run with --expose-gc to collect garbage between slices)');
  const env = machine();
  console.log(`memory part${QUICK ? ' (QUICK: harness check only)' : ''}: ${env.cpu} x${env.cores}, Node ${env.node}, load ${env.loadAverage.join(' ')}`);
  console.log(`${ROUNDS} interleaved rounds x ${SLICE_MS} ms of process CPU per contender and key count\n`);
  const rows = [];
  for (const keyCount of [1, MANY_KEYS]) rows.push(...(await throughput(core, keyCount)));
  printTable(
    ['contender', 'keys', 'decisions/s (median)', 'min', 'max', 'spread', 'x RLF (median [min-max])', 'x Map floor'],
    rows.map((r) => [
      r.label, r.keys.toLocaleString('en-US'), fmt.rate(r.perSecond.median), fmt.rate(r.perSecond.min), fmt.rate(r.perSecond.max),
      fmt.pct(r.perSecond.spread), `${fmt.ratio(r.vsRlf.median)} [${r.vsRlf.min.toFixed(2)}-${r.vsRlf.max.toFixed(2)}]`, r.vsMapFloor.median.toFixed(3),
    ]),
  );
  console.log(`\nheap bytes per key at ${HEAP_KEYS.toLocaleString('en-US')} keys (one fresh process each):`);
  const heapRows = heap();
  printTable(['contender', 'keys tracked', 'bytes per key'], heapRows.map((h) => [h.contender, h.tracked.toLocaleString('en-US'), h.bytesPerKey.toFixed(1)]));
  await saveResults('memory', {
    machine: env,
    versions: versions(['@sluice/core', 'rate-limiter-flexible', 'express-rate-limit', '@fastify/rate-limit']),
    command: command('npm run memory -w bench'),
    settings: { rounds: ROUNDS, sliceMs: SLICE_MS, keys: [1, MANY_KEYS], heapKeys: HEAP_KEYS, timing: 'process.cpuUsage (user+system)' },
    throughput: rows,
    heap: heapRows,
  });
}

await main();
