#!/usr/bin/env node
// Memory part: decisions per second in process at 1 hot key and 100,000 keys, Sluice (sync
// decide and async consume, every algorithm) beside rate-limiter-flexible, express-rate-limit,
// @fastify/rate-limit's LocalStore and the floors; then heap bytes per key at 1,000,000 keys.
//
//   npm run memory -w bench          (BENCH_QUICK=1 for a harness check)
//   BENCH_ROUNDS, BENCH_SLICE_MS, BENCH_KEYS, BENCH_HEAP_KEYS override the defaults.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { command, fmt, loadSluice, machine, printTable, QUICK, setting, versions } from './lib/env.mjs';
import { saveResults } from './lib/results.mjs';
import { summarize } from './lib/stats.mjs';

const ROUNDS = setting('BENCH_ROUNDS', 9, 3);
const SLICE_MS = setting('BENCH_SLICE_MS', 250, 40);
const ALGORITHMS = ['fixed-window', 'sliding-window', 'sliding-log', 'token-bucket', 'leaky-bucket'];
const MANY_KEYS = setting('BENCH_KEYS', 100_000, 100_000);
const HEAP_KEYS = setting('BENCH_HEAP_KEYS', 1_000_000, 100_000);
const HEAP_CONTENDERS = ['floor.map', 'rlf', 'sluice.fixed-window', 'sluice.token-bucket', 'sluice.sliding-window', 'sluice.leaky-bucket', 'sluice.sliding-log'];

/**
 * One fresh process per (algorithm, key count), each holding that Sluice algorithm, the peers and
 * the floors. Sluice rows come from their own process; peer and floor rows pool every process.
 */
function throughput(keyCount) {
  const script = fileURLToPath(new URL('./memory-run.mjs', import.meta.url));
  const runs = ALGORITHMS.map((algorithm) => {
    const out = execFileSync(process.execPath, ['--expose-gc', script, algorithm, String(keyCount)], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
      env: { ...process.env, ...(QUICK ? { BENCH_QUICK: '1' } : {}) },
    });
    return JSON.parse(out.trim().split('\n').at(-1));
  });
  // Per-round ratios inside each process (both figures from the same stretch of machine time).
  const ratios = (run, id, ref) => {
    const of = (x) => run.contenders.find((c) => c.id === x).samples;
    return of(id).map((v, r) => v / of(ref)[r]);
  };
  const rows = [];
  for (const run of runs) {
    for (const c of run.contenders.filter((c) => c.group.startsWith('sluice'))) rows.push({ ...c, run: [run] });
  }
  for (const c of runs[0].contenders.filter((c) => !c.group.startsWith('sluice'))) {
    rows.push({ ...c, samples: runs.flatMap((run) => run.contenders.find((d) => d.id === c.id).samples), run: runs });
  }
  return rows.map(({ run, samples, ...c }) => ({
    ...c,
    keys: keyCount,
    perSecond: summarize(samples),
    vsRlf: summarize(run.flatMap((r) => ratios(r, c.id, 'rlf'))),
    vsMapFloor: summarize(run.flatMap((r) => ratios(r, c.id, 'floor.map'))),
    samples,
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
  await loadSluice(['@sluice/core']);
  const env = machine();
  console.log(`memory part${QUICK ? ' (QUICK: harness check only)' : ''}: ${env.cpu} x${env.cores}, Node ${env.node}, load ${env.loadAverage.join(' ')}`);
  console.log(`one process per algorithm and key count; ${ROUNDS} interleaved rounds x ${SLICE_MS} ms of process CPU per contender\n`);
  const rows = [];
  for (const keyCount of [1, MANY_KEYS]) rows.push(...throughput(keyCount));
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
    settings: { rounds: ROUNDS, sliceMs: SLICE_MS, keys: [1, MANY_KEYS], heapKeys: HEAP_KEYS, processes: 'one per algorithm and key count', timing: 'process.cpuUsage (user+system)' },
    throughput: rows,
    heap: heapRows,
  });
}

await main();
