#!/usr/bin/env node
// Writes docs/benchmarks.md from bench/results/<part>.json (a full run's file when there is one,
// else the quick one, marked as such). Run by every part after it saves; by hand: node bench/report.mjs
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT_DIR } from './lib/env.mjs';

const RESULTS = join(ROOT_DIR, 'bench', 'results');
const OUT = join(ROOT_DIR, 'docs', 'benchmarks.md');
const PARTS = ['memory', 'redis', 'postgres', 'http', 'http-instructions'];

function load(part) {
  for (const name of [`${part}.json`, `${part}.quick.json`]) {
    const file = join(RESULTS, name);
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  }
  return undefined;
}

const x = (v, d = 2) => `${v.toFixed(d)}x`;
const rate = (v) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)}k` : v.toFixed(0));
const pct = (v) => `${(v * 100).toFixed(1)}%`;
const range = (s, d = 2) => `${x(s.median, d)} (${s.min.toFixed(d)}-${s.max.toFixed(d)})`;
const ci = (b, d = 3) => `${b.estimate.toFixed(d)} [${b.low.toFixed(d)}, ${b.high.toFixed(d)}]`;
const table = (header, rows) => [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

function runLine(r) {
  const m = r.machine;
  return (
    `${r.quick ? '**QUICK run (harness check; figures not meant to be read)**, ' : ''}finished ${r.finishedAt}; ` +
    `${m.cpu} x${m.cores}, ${m.memoryGiB} GiB, load average at start ${m.loadAverage.join(' / ')}; Node ${m.node} (V8 ${m.v8}); ` +
    `commit ${m.commit}. Command: \`${r.command}\`${r.quick && !r.command.includes('BENCH_QUICK') ? ' (quick)' : ''}. ` +
    `Versions: ${Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`
  );
}

/** One row per target of issue 9: [measure, target, measured, verdict]. */
function targets({ memory, redis, postgres, http, 'http-instructions': instructions }) {
  const rows = [];
  // `spanned`: the target lies inside the rounds' min-max (or the 95% interval): the verdict is within noise.
  const verdict = (ok, short, spanned) =>
    (ok ? 'met' : `**not met**${short ? ` (${short})` : ''}`) + (spanned ? '; within noise' : '');
  const spans = (s, target) => s.min <= target && target <= s.max;
  const spansCi = (b, target) => b.low <= target && target <= b.high;
  if (memory) {
    const m = (id, keys) => memory.throughput.find((r) => r.id === id && r.keys === keys);
    const many = Math.max(...memory.throughput.map((r) => r.keys));
    for (const algorithm of ['fixed-window', 'token-bucket']) {
      for (const keys of [1, many]) {
        const d = m(`sluice.decide.${algorithm}`, keys);
        if (d) rows.push([`memory, sync \`decide\`, ${algorithm}, ${keys.toLocaleString('en-US')} key(s), vs RLF \`consume\``, '>= 3x', range(d.vsRlf), verdict(d.vsRlf.median >= 3, `needs ${x(3 / d.vsRlf.median)} more`, spans(d.vsRlf, 3))]);
        const c = m(`sluice.consume.${algorithm}`, keys);
        if (c) rows.push([`memory, async \`consume\`, ${algorithm}, ${keys.toLocaleString('en-US')} key(s), vs RLF`, '>= 1.5x', range(c.vsRlf), verdict(c.vsRlf.median >= 1.5, `needs ${x(1.5 / c.vsRlf.median)} more`, spans(c.vsRlf, 1.5))]);
      }
    }
    for (const algorithm of ['fixed-window', 'token-bucket']) {
      const h = memory.heap.find((r) => r.contender === `sluice.${algorithm}`);
      if (h) rows.push([`memory, heap per key at ${h.keys.toLocaleString('en-US')} keys, ${algorithm}`, '<= 100 B', `${h.bytesPerKey.toFixed(0)} B`, verdict(h.bytesPerKey <= 100, `${(h.bytesPerKey - 100).toFixed(0)} B over`)]);
    }
  }
  const remote = (name, result, rows2, floorTarget, floorInFlight) => {
    if (!result) return;
    for (const id of ['sluice.fixed-window', 'sluice.token-bucket']) {
      const at = (n) => rows2.find((r) => r.id === id && r.inFlight === n);
      const top = at(floorInFlight);
      if (top) rows.push([`${name}, ${id.slice(7)}, ${floorInFlight} in flight, vs raw floor`, `>= ${floorTarget}x`, range(top.vsRaw), verdict(top.vsRaw.median >= floorTarget, `${((floorTarget - top.vsRaw.median) * 100).toFixed(0)} points short`, spans(top.vsRaw, floorTarget))]);
      for (const n of result.settings.inFlight) {
        const r = at(n);
        const strict = name === 'Redis';
        if (r) rows.push([`${name}, ${id.slice(7)}, ${n} in flight, vs RLF`, strict ? '> 1x' : '>= 1x', range(r.vsRlf), verdict(strict ? r.vsRlf.median > 1 : r.vsRlf.median >= 1, `${x(r.vsRlf.median)} of RLF`, spans(r.vsRlf, 1))]);
      }
    }
  };
  remote('Redis', redis, redis?.standalone ?? [], 0.9, 64);
  remote('Postgres', postgres, postgres?.spread ?? [], 0.95, 32);
  if (http) {
    const limits = { Express: 0.05, Fastify: 0.08 };
    for (const f of http.frameworks) {
      const v = (id) => f.variants.find((w) => w.id === id);
      const sluice = v('sluice');
      const peer = v('peer');
      // Verdicts use server CPU per request (the throughput the server reaches on a core of its
      // own); the wall-clock ratio is shown beside it, as other processes share the server's core.
      if (limits[f.framework] !== undefined) {
        const overhead = 1 - sluice.vsBareCpu.estimate;
        rows.push([
          `HTTP ${f.framework}, overhead vs bare (by server CPU; wall clock beside)`, `<= ${pct(limits[f.framework])}`,
          `${pct(overhead)} (ratio ${ci(sluice.vsBareCpu)}; wall ${ci(sluice.vsBare)})`,
          verdict(overhead <= limits[f.framework], `${((overhead - limits[f.framework]) * 100).toFixed(1)} points over`, spansCi(sluice.vsBareCpu, 1 - limits[f.framework])),
        ]);
      } else {
        rows.push([`HTTP ${f.framework}, server CPU above the two-headers floor`, '<= 1 µs/request', `${ci(sluice.usAboveFloor, 2)} µs`, verdict(sluice.usAboveFloor.estimate <= 1, `${(sluice.usAboveFloor.estimate - 1).toFixed(2)} µs over`, spansCi(sluice.usAboveFloor, 1))]);
        // The same target by instruction count (callgrind), which the machine's load does not move.
        const counted = instructions?.frameworks.find((c) => c.framework === f.framework);
        // Steady state (without V8's one-time compiler work) when the run recorded it.
        const steady = counted?.steady ?? counted;
        if (steady?.usAboveFloor !== undefined) {
          const share = steady.sluiceAboveFloor / steady.instructionsPerRequest.headers;
          rows.push([
            `HTTP ${f.framework}, above the two-headers floor by instruction count (callgrind${counted.steady ? ', steady state' : ''})`, '<= 1 µs/request',
            `${steady.usAboveFloor.toFixed(2)} µs (${Math.round(steady.sluiceAboveFloor).toLocaleString('en-US')} instructions, ${pct(share)} of the floor's ${Math.round(steady.instructionsPerRequest.headers).toLocaleString('en-US')})`,
            verdict(steady.usAboveFloor <= 1, `${(steady.usAboveFloor - 1).toFixed(2)} µs over`),
          ]);
        }
      }
      // Old result files lack vsPeerCpu: compare the two CPU ratios to bare instead.
      const vsPeer = sluice.vsPeerCpu ?? { estimate: sluice.vsBareCpu.estimate / peer.vsBareCpu.estimate, low: NaN, high: NaN };
      rows.push([
        `HTTP ${f.framework}, Sluice vs ${peer.label} (requests per server CPU second)`, '> 1x',
        `${ci(vsPeer)} (to bare by CPU: ${sluice.vsBareCpu.estimate.toFixed(3)} vs ${peer.vsBareCpu.estimate.toFixed(3)}; wall: ${sluice.vsBare.estimate.toFixed(3)} vs ${peer.vsBare.estimate.toFixed(3)})`,
        verdict(vsPeer.estimate > 1, undefined, spansCi(vsPeer, 1)),
      ]);
    }
  }
  return rows;
}

function memorySection(r) {
  const many = Math.max(...r.throughput.map((t) => t.keys));
  const rows = [];
  for (const keys of [1, many]) {
    for (const t of r.throughput.filter((t) => t.keys === keys)) {
      rows.push([t.label, keys.toLocaleString('en-US'), rate(t.perSecond.median), `${rate(t.perSecond.min)}-${rate(t.perSecond.max)}`, pct(t.perSecond.spread), range(t.vsRlf), t.vsMapFloor.median.toFixed(3)]);
    }
  }
  return [
    '## Memory: decisions per second in one process',
    runLine(r),
    `One fresh process per algorithm and key count holds that Sluice algorithm (sync and async), the peers and the floors (an app runs one algorithm; with five in one process their shared code turns polymorphic and each looks slower than it is); peer and floor rows pool the rounds of all five processes. In each process every contender runs over the same keys (IPv4-like strings, round robin) in ${r.settings.rounds} interleaved rounds of ${r.settings.sliceMs} ms of process CPU each (process.cpuUsage, user + system), in a fresh random order each round, after a warm-up slice; garbage is collected between slices. Ratios are taken round by round, then summarized (median, min-max). Sync contenders are called in a loop; async ones are awaited one at a time, as a request handler would. Limits are high enough that every call admits and writes, except the sliding log at 1 key (limit 1000/s: mostly denials there).`,
    table(['contender', 'keys', 'decisions/s (median)', 'min-max', 'spread', 'x RLF (median, min-max)', 'x bare Map'], rows),
    `Heap bytes per tracked key (heapUsed + external after two forced GCs, one fresh process per contender, ${r.settings.heapKeys.toLocaleString('en-US')} keys):`,
    table(['contender', 'keys tracked', 'bytes per key'], r.heap.map((h) => [h.contender, h.tracked.toLocaleString('en-US'), h.bytesPerKey.toFixed(1)])),
  ].join('\n\n');
}

function remoteTable(rows, withCpu) {
  return table(
    ['case', 'in flight', 'decisions/s (median)', 'min-max', 'spread', 'p50 / p99 ms', 'x raw floor', 'x RLF', ...(withCpu ? ['Redis µs/decision: commands / process'] : [])],
    rows.map((t) => [
      t.name, t.inFlight, rate(t.perSecond.median), `${rate(t.perSecond.min)}-${rate(t.perSecond.max)}`, pct(t.perSecond.spread), `${t.p50Ms.toFixed(3)} / ${t.p99Ms.toFixed(3)}`,
      range(t.vsRaw), range(t.vsRlf), ...(withCpu ? [t.cpu ? `${t.cpu.commandUsPerDecision.toFixed(1)} / ${t.cpu.serverCpuUsPerDecision.toFixed(1)}` : ''] : []),
    ]),
  );
}

function redisSection(r) {
  return [
    '## Redis',
    runLine(r),
    `One ioredis connection shared by every contender (the three Sluice cases share one RedisStore, as an app with several limiters would); ${r.settings.clientKeys.toLocaleString('en-US')} client keys round robin; closed loop at ${r.settings.inFlight.join(' and ')} calls in flight; ${r.settings.rounds} interleaved rounds of ${r.settings.sliceMs} ms wall time per case. The floor is \`EVALSHA\` of \`return 1\` on the same connection. Redis cost per decision is measured with each case alone at 64 in flight for ${r.settings.cpuMs} ms: the server's command time (INFO commandstats) and the redis-server process CPU (/proc), divided by decisions.`,
    remoteTable(r.standalone, true),
    'Redis Cluster (3 masters on this same machine, ioredis Cluster client, 64 in flight; rate-limit-redis is left out: it takes a `sendCommand` that does no slot routing):',
    remoteTable(r.cluster, false),
  ].join('\n\n');
}

function postgresSection(r) {
  return [
    '## PostgreSQL',
    runLine(r),
    `One pg pool (max ${r.settings.poolMax}) shared by every contender (the three Sluice cases share one PostgresStore); server started by the bench with stock durability (fsync=${r.durability.fsync}, synchronous_commit=${r.durability.sc}): every decision is a committed write. ${r.settings.clientKeys.toLocaleString('en-US')} keys round robin, then one hot key; ${r.settings.rounds} interleaved rounds of ${r.settings.sliceMs} ms per case. The floor is one named prepared \`INSERT ... ON CONFLICT DO UPDATE ... RETURNING\` on a two-column table.`,
    remoteTable(r.spread, false),
    'One hot key (every call queues on one row lock):',
    remoteTable(r.hot, false),
  ].join('\n\n');
}

function instructionsSection(r) {
  return [
    '## HTTP by instruction count',
    runLine(r),
    `Valgrind's callgrind counts the instructions the server process executes, whatever else the machine runs: it resolves the Koa target (at most 1 µs per request above the two-constant-headers floor), which the CPU-time figures above cannot on two shared cores (see their A/A row). One server process under callgrind holds the bare, two-headers and Sluice variants, each on its own loopback port; after ${r.settings.warm.toLocaleString('en-US')} warm-up requests per variant, each of ${r.settings.rounds} rounds sends ${r.settings.requests.toLocaleString('en-US')} keep-alive requests (10 in flight) to each variant in a fresh random order, zeroing the counters before and dumping them after. Node runs with \`--single-threaded\` so compiler and GC threads do not land in another variant's slice. Figures are medians over rounds (differences are taken round by round). The µs figure converts the instruction difference at the floor's own rate: difference / floor instructions x the floor's server CPU µs per request in the latest HTTP run above.`,
    'Instructions per request. "steady" leaves out V8\'s optimizing compiler (TurboFan and its zone allocator, by function name in the dump): with `--single-threaded` it runs on the main thread, and under valgrind\'s slowdown tier-up spills into measured slices well after the warm-up; it is a one-time cost per function, not per request. Garbage collection stays in.',
    table(
      ['framework', 'counted', 'bare', 'two headers (floor)', 'Sluice', 'Sluice above the floor', '≈ µs above the floor'],
      r.frameworks.flatMap((f) =>
        [['all', f], ...(f.steady ? [['steady', f.steady]] : [])].map(([label, g]) => [
          f.framework,
          label,
          Math.round(g.instructionsPerRequest.bare).toLocaleString('en-US'),
          Math.round(g.instructionsPerRequest.headers).toLocaleString('en-US'),
          Math.round(g.instructionsPerRequest.sluice).toLocaleString('en-US'),
          `${Math.round(g.sluiceAboveFloor).toLocaleString('en-US')} (${pct(g.sluiceAboveFloor / g.instructionsPerRequest.headers)})`,
          g.usAboveFloor === undefined ? 'no HTTP run to convert with' : `${g.usAboveFloor.toFixed(2)} (floor ${f.floorCpuUsPerRequest.toFixed(1)} µs/request)`,
        ]),
      ),
    ),
  ].join('\n\n');
}

function httpSection(r) {
  const parts = [
    '## HTTP',
    runLine(r),
    `Hello world (\`GET /\`, 11-byte body) in each framework. Per framework, one server process holds every variant (${r.settings.variants.join(', ')}) and switches between them every ${r.settings.sliceMs} ms, in a fresh random order each round, for ${r.settings.rounds} rounds after ${r.settings.warmRounds} warm-up rounds, while autocannon keeps ${r.settings.connections} connections busy; ${r.settings.pinned ? 'the server is pinned to core 0 and autocannon to core 1 (taskset)' : 'NOT pinned (no taskset or one core)'}. Each slice counts requests as they arrive and the server's CPU time. A ratio is taken per round against the same round's bare slice; the figure is the mean over rounds with a 95% bootstrap interval. "bare again" is a second, identical bare app: its distance from 1.000 is the method's resolution in that run. "x bare by CPU" uses server CPU per request instead of wall time: it is the throughput ratio the server would reach on a core of its own, steadier when other processes share the server's core, and the targets are judged on it. The limiters' limits are never reached (no 429s; autocannon reports errors and non-2xx, which fail the run). Sluice sends draft-10 \`RateLimit-Policy\` and \`RateLimit\`; express-rate-limit is set to \`standardHeaders: 'draft-8', legacyHeaders: false\`; @fastify/rate-limit to \`enableDraftSpec: true\`; koa-ratelimit writes its three X-RateLimit-* headers; all use their in-memory store.`,
  ];
  for (const f of r.frameworks) {
    parts.push(`### ${f.framework} (${f.rounds} rounds, ${f.autocannon.requests.toLocaleString('en-US')} requests)`);
    if (f.headers) parts.push(`Headers beyond the framework's own, as each variant answered one probe before the run: ${f.variants.map((v) => `${v.label}: ${f.headers[v.id].map((h) => `\`${h}\``).join(', ') || 'none'}`).join('; ')}.`);
    parts.push(
      table(
        ['variant', 'req/s (mean)', 'x bare [95% CI]', 'x bare by CPU [95% CI]', 'server CPU µs/request', 'µs/request above the floor [95% CI]'],
        f.variants.map((v) => [v.label, rate(v.requestsPerSecond), ci(v.vsBare), ci(v.vsBareCpu), v.cpuUsPerRequest.toFixed(2), ci(v.usAboveFloor, 2)]),
      ),
    );
  }
  return parts.join('\n\n');
}

const NOISE = `## How to read the noise

- Only ratios taken inside one run are comparable: absolute rates move 5-15% between runs on this kind of machine (2 shared vCPUs), and much more when anything else runs. Every part therefore runs all its contenders in the same process and run, interleaved in rounds in a fresh random order, and reports the median with min-max and the spread ((max - min) / median); ratios are taken round by round (both figures from the same stretch of machine time) before they are summarized.
- In-process figures use process CPU time, not wall time, so time the process spends descheduled does not count; a busy machine still slows memory access (shared caches), so absolute rates fall, ratios less so. A bare \`Map\` at 100,000 keys is bimodal on this machine (about 7M or 10M/s); its ratios move most.
- Remote stores are measured in wall time (they wait on sockets); p50/p99 latencies include the client's own queueing at 64 or 32 in flight. Postgres with fsync on depends on the disk's flush time, the noisiest figure here.
- HTTP: the A/A row ("bare again") shows the resolution of that run. A difference between two variants smaller than the A/A distance, or inside overlapping intervals, is not a difference.
- Figures from a machine that was busy while the bench ran (load average above the core count at start, see each part's run line) are indicative only; run the part again on a quiet machine before quoting a figure.
`;

export function writeReport() {
  const results = Object.fromEntries(PARTS.map((p) => [p, load(p)]));
  const sections = [
    '# Benchmarks',
    '[Docs home](README.md) · next: [Glossary](glossary.md)',
    '<!-- Generated by bench/report.mjs from bench/results/*.json: edit those scripts, not this file. -->',
    `Sluice side by side with the limiters users would otherwise pick (rate-limiter-flexible, express-rate-limit, rate-limit-redis, @fastify/rate-limit, koa-ratelimit) and with floors (what any limiter must pay: a bare \`Map\` increment, a raw \`EVALSHA\`, a raw single-statement upsert, two constant response headers), measured in one run per part, as ratios.

Run it (each part starts its own redis-server / PostgreSQL on 127.0.0.1 in a temp dir and stops them; traffic stays on loopback and is bounded in time):

\`\`\`sh
npm run bench                      # every part, then this page (about 10 minutes; longer on a busy machine)
npm run memory -w bench            # or one part: memory, redis, postgres, http
npm run http-instructions -w bench # Koa's server instructions per request under callgrind (not in npm run bench; about 10 minutes)
BENCH_QUICK=1 npm run bench        # harness check in about 2 minutes (results/*.quick.json; not for reading)
\`\`\`

The packages are imported from their built \`dist/\`: each part first builds the packages it imports (the build skips packages that have not changed). Each part writes \`bench/results/<part>.json\` (every sample, the machine, the versions) and regenerates this page from the latest results of every part. Knobs: \`BENCH_ROUNDS\`, \`BENCH_SLICE_MS\`, \`BENCH_KEYS\`, \`BENCH_HEAP_KEYS\`, \`BENCH_CPU_MS\`, \`BENCH_HTTP_ROUNDS\`, \`BENCH_HTTP_SLICE_MS\`, \`DATABASE_URL\`.`,
    '## Targets (issue 9)',
    'Measured ratios against the targets; each row cites the median (min-max over rounds) or, for HTTP, the mean with its 95% interval. A part missing below has not been run yet.',
    table(['measure', 'target', 'measured', 'verdict'], targets(results)),
    NOISE,
  ];
  if (results.memory) sections.push(memorySection(results.memory));
  if (results.redis) sections.push(redisSection(results.redis));
  if (results.postgres) sections.push(postgresSection(results.postgres));
  if (results.http) sections.push(httpSection(results.http));
  if (results['http-instructions']) sections.push(instructionsSection(results['http-instructions']));
  writeFileSync(OUT, sections.join('\n\n') + '\n');
  return OUT;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(`wrote ${writeReport()}`);
