// One server process holding every variant of one framework, switching between them in short
// slices (started by http.mjs, pinned to its own core). Counts requests as they arrive and the
// process CPU per slice, and sends the slices back over IPC.
//   (internal) node bench/http-server.mjs <express|fastify|koa>
import http from 'node:http';
import { FRAMEWORKS, VARIANT_IDS } from './lib/http-variants.mjs';
import { shuffle } from './lib/stats.mjs';

const framework = FRAMEWORKS[process.argv[2]];
if (framework === undefined || typeof process.send !== 'function') throw new Error('started by bench/http.mjs');
const apps = await framework.build();
const handlers = VARIANT_IDS.map((id) => apps[id]);

let current = 0;
let count = 0;
const server = http.createServer((req, res) => {
  count++;
  handlers[current](req, res);
});
server.keepAliveTimeout = 60_000;

function cpuMicros() {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** Runs the schedule: `warmRounds` unrecorded rounds, then `rounds`, each variant once per round in random order. */
function run({ rounds, warmRounds, sliceMs }) {
  const schedule = [];
  for (let round = -warmRounds; round < rounds; round++) {
    for (const variant of shuffle(VARIANT_IDS.map((_, i) => i))) schedule.push({ round, variant });
  }
  const slices = [];
  let step = 0;
  let startedAt = 0;
  let cpuAt = 0;
  const begin = () => {
    current = schedule[step].variant;
    count = 0;
    startedAt = performance.now();
    cpuAt = cpuMicros();
    setTimeout(end, sliceMs);
  };
  const end = () => {
    const { round, variant } = schedule[step];
    if (round >= 0) slices.push({ round, variant: VARIANT_IDS[variant], requests: count, wallMs: performance.now() - startedAt, cpuUs: cpuMicros() - cpuAt });
    if (++step < schedule.length) begin();
    else process.send({ slices }); // keeps serving until http.mjs stops it, after the load ends
  };
  begin();
}

process.on('message', (message) => {
  if (message.probe === undefined) return run(message);
  // Before the run, http.mjs requests each variant once to check what it answers.
  current = message.probe;
  process.send({ probed: message.probe });
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
