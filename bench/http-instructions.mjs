// Server instructions per request, counted by valgrind's callgrind: the Koa target (at most 1 µs per
// request above the two-constant-headers floor) is below what wall-clock or CPU-time sampling
// resolves on two shared cores (the A/A distance in the HTTP part is several µs), while an
// instruction count does not depend on what else the machine runs.
//
//   npm run http-instructions -w bench          (about 5 minutes per framework; needs valgrind)
//   BENCH_IR_FRAMEWORKS=koa,express,fastify     which frameworks (default koa)
//   BENCH_IR_KEEP=1                              keep the callgrind dumps (to see where instructions go)
//
// One server process under callgrind holds every variant, each on its own port. After a warm-up,
// each round sends BENCH_IR_REQUESTS keep-alive requests to each variant in a fresh random order,
// zeroing the counters before and dumping them after: one instruction total per slice. The
// figure per variant is the median over rounds; "above the floor" converts the instruction
// difference to µs with the floor's server CPU time per request from the latest HTTP part
// (results/http.json), i.e. at the floor's own instructions-per-µs rate.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR, command, machine, setting, versions } from './lib/env.mjs';
import { RESULTS_DIR, saveResults } from './lib/results.mjs';
import { shuffle } from './lib/stats.mjs';

const IR_VARIANTS = ['bare', 'headers', 'sluice'];
const ROUNDS = setting('BENCH_IR_ROUNDS', 5, 2);
const REQUESTS = setting('BENCH_IR_REQUESTS', 2000, 300);
const WARM = setting('BENCH_IR_WARM', 8000, 1000);
const FRAMEWORK_IDS = (process.env.BENCH_IR_FRAMEWORKS ?? 'koa').split(',').filter(Boolean);

try {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
} catch {
  console.error('http-instructions: valgrind is not installed (apt-get install valgrind); this part counts instructions with callgrind.');
  process.exit(1);
}

/** Keep-alive GETs, 10 in flight, exactly `total` of them. */
async function load(port, total) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
  let sent = 0;
  let done = 0;
  await new Promise((resolve, reject) => {
    const one = () => {
      if (sent >= total) return;
      sent++;
      http
        .get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
          if (res.statusCode !== 200) reject(new Error(`variant on port ${port} answered ${res.statusCode}`));
          res.resume();
          res.on('end', () => (++done === total ? resolve() : one()));
        })
        .on('error', reject);
    };
    for (let i = 0; i < 10; i++) one();
  });
  agent.destroy();
}

function callgrindControl(pid, flag) {
  execFileSync('callgrind_control', [flag, String(pid)], { stdio: 'ignore' });
}

/** The instruction total of dump number `n` of process `pid`. */
function dumpTotal(dir, pid, n) {
  const text = readFileSync(join(dir, `cg.${pid}.${n}`), 'utf8');
  const match = /^summary: (\d+)/m.exec(text) ?? /^totals: (\d+)/m.exec(text);
  if (match === null) throw new Error(`no instruction total in callgrind dump ${n}`);
  return Number(match[1]);
}

// V8's optimizing compiler (TurboFan) and its zone allocator: with --single-threaded it runs on the
// main thread, and under valgrind's slowdown tier-up spills into measured slices long after the
// warm-up. A one-time cost per function, not per request: reported, and left out of "steady".
const COMPILER_FUNCTION = /v8::internal::compiler::|v8::internal::Zone|v8::internal::maglev::/;

/** Instructions of dump `n` spent in V8's compiler (self cost per function, from callgrind_annotate). */
function compilerInstructions(dir, pid, n) {
  const text = execFileSync('callgrind_annotate', ['--threshold=100', '--inclusive=no', join(dir, `cg.${pid}.${n}`)], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^\s*([\d,]+)\s+\([\s\d.]+%\)\s+(.*)$/.exec(line);
    if (match !== null && COMPILER_FUNCTION.test(match[2])) sum += Number(match[1].replaceAll(',', ''));
  }
  return sum;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Server CPU µs per request of the floor (two constant headers) in the latest full HTTP run. */
function floorCpuUs(label) {
  try {
    const http = JSON.parse(readFileSync(join(RESULTS_DIR, 'http.json'), 'utf8'));
    const f = http.frameworks.find((x) => x.framework === label);
    return f.variants.find((v) => v.id === 'headers').cpuUsPerRequest;
  } catch {
    return undefined;
  }
}

async function measure(id) {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-ir-'));
  // --single-threaded: no concurrent compiler or GC threads, whose work would land in whichever slice runs.
  const child = spawn(
    'valgrind',
    ['--tool=callgrind', '--smc-check=all-non-file', `--callgrind-out-file=${join(dir, 'cg.%p')}`, process.execPath, '--single-threaded', join(BENCH_DIR, 'lib/ir-server.mjs'), id, ...IR_VARIANTS],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const ports = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('ports '));
      if (line) resolve(JSON.parse(line.slice(6)));
    });
    child.on('exit', (code) => reject(new Error(`ir-server exited with ${code}`)));
  });
  try {
    for (const variant of IR_VARIANTS) await load(ports[variant], WARM);
    const slices = [];
    let dumps = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const variant of shuffle([...IR_VARIANTS])) {
        callgrindControl(child.pid, '-z');
        await load(ports[variant], REQUESTS);
        callgrindControl(child.pid, '-d');
        dumps++;
        slices.push({ round, variant, dump: dumps });
      }
    }
    for (const slice of slices) {
      slice.instructionsPerRequest = dumpTotal(dir, child.pid, slice.dump) / REQUESTS;
      slice.compilerPerRequest = compilerInstructions(dir, child.pid, slice.dump) / REQUESTS;
      slice.steadyPerRequest = slice.instructionsPerRequest - slice.compilerPerRequest;
    }
    return slices;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    // BENCH_IR_KEEP=1 keeps the dumps for callgrind_annotate (where the instructions went).
    if (process.env.BENCH_IR_KEEP === '1') console.log(`  callgrind dumps kept in ${dir} (process ${child.pid})`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

const labels = { koa: 'Koa', express: 'Express', fastify: 'Fastify' };
const env = machine();
const frameworks = [];
for (const id of FRAMEWORK_IDS) {
  if (!labels[id]) throw new Error(`BENCH_IR_FRAMEWORKS: unknown framework ${id}`);
  console.log(`${labels[id]}: ${ROUNDS} rounds of ${REQUESTS} requests per variant under callgrind (after ${WARM} warm-up requests each)...`);
  const slices = await measure(id);
  const rounds = [...new Set(slices.map((s) => s.round))];
  const floorUs = floorCpuUs(labels[id]);
  /** Medians per variant, and Sluice above the floor (differences per round, both slices from the same stretch of the run). */
  const figures = (field) => {
    const per = Object.fromEntries(IR_VARIANTS.map((v) => [v, median(slices.filter((s) => s.variant === v).map((s) => s[field]))]));
    const diff = (a, b) => median(rounds.map((r) => slices.find((s) => s.round === r && s.variant === a)[field] - slices.find((s) => s.round === r && s.variant === b)[field]));
    const aboveFloor = diff('sluice', 'headers');
    return { per, headersAboveBare: diff('headers', 'bare'), aboveFloor, usAboveFloor: floorUs === undefined ? undefined : (aboveFloor / per.headers) * floorUs };
  };
  const total = figures('instructionsPerRequest');
  const steady = figures('steadyPerRequest');
  frameworks.push({
    framework: labels[id],
    instructionsPerRequest: total.per,
    headersAboveBare: total.headersAboveBare,
    sluiceAboveFloor: total.aboveFloor,
    usAboveFloor: total.usAboveFloor,
    steady: { instructionsPerRequest: steady.per, headersAboveBare: steady.headersAboveBare, sluiceAboveFloor: steady.aboveFloor, usAboveFloor: steady.usAboveFloor },
    floorCpuUsPerRequest: floorUs,
    slices,
  });
  for (const [label, f] of [['all instructions', total], ['steady (without V8 compiler work)', steady]]) {
    console.log(
      `  ${label}, per request (median): bare ${f.per.bare.toFixed(0)}, two headers ${f.per.headers.toFixed(0)}, sluice ${f.per.sluice.toFixed(0)}; ` +
        `sluice above the floor ${f.aboveFloor.toFixed(0)} (${((f.aboveFloor / f.per.headers) * 100).toFixed(2)}%)` +
        (f.usAboveFloor === undefined ? '' : ` ≈ ${f.usAboveFloor.toFixed(2)} µs at the floor's ${floorUs.toFixed(1)} µs/request`),
    );
  }
}
await saveResults('http-instructions', {
  machine: env,
  versions: versions(['@sluice/core', '@sluice/koa', '@sluice/express', '@sluice/fastify', 'koa', 'express', 'fastify']),
  command: command('npm run http-instructions -w bench'),
  settings: { rounds: ROUNDS, requests: REQUESTS, warm: WARM, variants: IR_VARIANTS },
  frameworks,
});
