// The longer load test of adaptive load shedding (npm run shedding -w bench): an Express server
// on 127.0.0.1 (a child process, pinned to CPU 0 when taskset exists) in front of a resource of
// 8 slots x 50 ms (knee at 8 in flight, 160 requests/s), open loop, once per mode (gradient,
// aimd, no shedding): 0.4 of its capacity, then 1x = 0.8 of it (busy but healthy), then the
// offered load doubled to 2x = 1.6 of it, then back to 1x. Prints a summary table and
// writes docs/images/load-shedding.svg (offered load, the limit, p99 latency over time).
//   BENCH_QUICK=1 (or --quick): phases a fifth as long, to check the harness.
import { execFileSync, fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR, QUICK, ROOT_DIR, machine } from './lib/env.mjs';
import { openLoop, percentile } from './shedding-kit.mjs';

const SLOTS = 8;
const SERVICE_MS = 50;
const CAPACITY = (SLOTS * 1000) / SERVICE_MS;
const SCALE = QUICK ? 0.2 : 1;
const PHASES = [
  { label: '0.5x', rps: CAPACITY * 0.4, durationMs: 10_000 * SCALE },
  { label: '1x', rps: CAPACITY * 0.8, durationMs: 20_000 * SCALE },
  { label: '2x', rps: CAPACITY * 1.6, durationMs: 30_000 * SCALE },
  { label: '1x again', rps: CAPACITY * 0.8, durationMs: 15_000 * SCALE },
];
const TIMEOUT_MS = 10_000;
const MODES = ['gradient', 'aimd', 'none'];

function hasTaskset() {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const pin = hasTaskset();

async function runMode(mode) {
  const script = join(BENCH_DIR, 'shedding-server.mjs');
  const args = [mode, String(SLOTS), String(SERVICE_MS)];
  // Pinned: `taskset -c 0 node script ...` through fork's execPath/execArgv is awkward; spawn node under taskset instead.
  const child = pin
    ? fork(script, args, { execPath: 'taskset', execArgv: ['-c', '0', process.execPath] })
    : fork(script, args);
  const series = [];
  const port = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`shedding-server exited with ${code}`)));
    child.on('message', (message) => {
      if (message.port !== undefined) resolve(message.port);
      else series.push(message);
    });
  });
  child.send('start');
  const samples = await openLoop(`http://127.0.0.1:${port}/work`, PHASES, TIMEOUT_MS);
  child.removeAllListeners('exit');
  child.disconnect();
  await new Promise((resolve) => child.once('exit', resolve));
  return { mode, samples, series };
}

function phaseSummary({ mode, samples, series }) {
  const rows = [];
  let startMs = 0;
  for (const phase of PHASES) {
    const mine = samples.filter((s) => s.phase === phase.label);
    const ok = mine.filter((s) => s.status === 200);
    const critical = mine.filter((s) => s.priority === 'critical');
    // The limit over the second half of the phase, when it has had time to settle.
    const late = series.filter((p) => p.atMs >= startMs + phase.durationMs / 2 && p.atMs < startMs + phase.durationMs);
    startMs += phase.durationMs;
    const limits = late.map((p) => p.limit).filter((l) => l !== null);
    rows.push({
      mode,
      phase: phase.label,
      offeredRps: phase.rps,
      sent: mine.length,
      admitted: ok.length,
      shedPct: (100 * mine.filter((s) => s.status === 503).length) / mine.length,
      failedPct: (100 * mine.filter((s) => s.status !== 200 && s.status !== 503).length) / mine.length,
      criticalOkPct: (100 * critical.filter((s) => s.status === 200).length) / critical.length,
      p50: percentile(ok.map((s) => s.latencyMs), 50),
      p99: percentile(ok.map((s) => s.latencyMs), 99),
      limit: limits.length === 0 ? null : limits.reduce((a, b) => a + b, 0) / limits.length,
      load: late.length === 0 ? null : late.reduce((a, p) => a + p.load, 0) / late.length,
    });
  }
  return rows;
}

function perSecond({ mode, samples, series }) {
  const points = [];
  const seconds = Math.ceil(PHASES.reduce((a, p) => a + p.durationMs, 0) / 1000);
  for (let s = 0; s < seconds; s++) {
    const sent = samples.filter((x) => x.sentMs >= s * 1000 && x.sentMs < (s + 1) * 1000);
    const ok = sent.filter((x) => x.status === 200);
    const limits = series.filter((p) => p.atMs >= s * 1000 && p.atMs < (s + 1) * 1000);
    const mean = (values) => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);
    points.push({
      mode,
      second: s,
      offered: sent.length,
      // Adaptive modes: the limit; without shedding, the concurrency the resource sees (nothing caps it).
      concurrency: mode === 'none' ? mean(limits.map((p) => p.load)) : mean(limits.map((p) => p.limit)),
      p99: ok.length === 0 ? null : percentile(ok.map((x) => x.latencyMs), 99),
    });
  }
  return points;
}

// vega-lite and vega are dependencies of @sluice/cli (vega-lite pinned there, so npm may nest it
// under packages/cli/node_modules): resolve them from that package.
const fromCli = createRequire(join(ROOT_DIR, 'packages', 'cli', 'package.json'));
const importFromCli = (name) => import(pathToFileURL(fromCli.resolve(name)).href);

async function chart(points) {
  const vl = await importFromCli('vega-lite');
  const vega = await importFromCli('vega');
  const width = 640;
  const x = { field: 'second', type: 'quantitative', title: 'time (s)' };
  const color = { field: 'mode', type: 'nominal', title: 'shedding', scale: { domain: MODES } };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: points },
    vconcat: [
      {
        width,
        height: 110,
        title: `Offered load (requests/s; the resource serves ${CAPACITY})`,
        transform: [{ filter: "datum.mode === 'gradient'" }],
        mark: { type: 'line', color: '#555' },
        encoding: { x, y: { field: 'offered', type: 'quantitative', title: 'req/s' } },
      },
      {
        width,
        height: 160,
        title: `Admitted concurrency: the limit (without shedding: in flight at the resource); knee = ${SLOTS}`,
        layer: [
          { mark: 'line', encoding: { x, y: { field: 'concurrency', type: 'quantitative', title: 'requests', scale: { type: 'log' } }, color } },
          { data: { values: [{ knee: SLOTS }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#999' }, encoding: { y: { field: 'knee', type: 'quantitative' } } },
        ],
      },
      {
        width,
        height: 160,
        title: `p99 latency of admitted requests (ms; no-load latency ${SERVICE_MS} ms)`,
        mark: 'line',
        encoding: { x, y: { field: 'p99', type: 'quantitative', title: 'ms', scale: { type: 'log' } }, color },
      },
    ],
  };
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}

const fmt = (v, digits = 0) => (v === null || Number.isNaN(v) ? '-' : v.toFixed(digits));
console.log(`load shedding bench: ${SLOTS} slots x ${SERVICE_MS} ms (capacity ${CAPACITY} req/s), server ${pin ? 'pinned to CPU 0' : 'not pinned'}${QUICK ? ', QUICK' : ''}`);
console.log(JSON.stringify(machine()));
const runs = [];
for (const mode of MODES) {
  runs.push(await runMode(mode));
  console.log(`${mode}: ${runs.at(-1).samples.length} requests`);
}
console.log('\n| shedding | phase | offered req/s | admitted | shed | failed/timed out | critical ok | p50 ms | p99 ms | limit (2nd half) | at the resource (2nd half) |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const run of runs) {
  for (const r of phaseSummary(run)) {
    console.log(
      `| ${r.mode} | ${r.phase} | ${r.offeredRps} | ${r.admitted} | ${fmt(r.shedPct, 1)}% | ${fmt(r.failedPct, 1)}% | ${fmt(r.criticalOkPct, 1)}% | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.limit, 1)} | ${fmt(r.load, 1)} |`,
    );
  }
}
const svg = await chart(runs.flatMap(perSecond));
const out = join(ROOT_DIR, 'docs', 'images', QUICK ? 'load-shedding-quick.svg' : 'load-shedding.svg');
writeFileSync(out, svg);
console.log(`\nchart: ${out}`);
