// One process of the memory part: Sluice with one algorithm, the peers and the floors over the
// same keys, interleaved. Called by memory.mjs; by hand:
//   node --expose-gc bench/memory-run.mjs fixed-window 100000
// Prints one JSON line: { algorithm, keys, contenders: [{ id, label, group, kind, samples }] }.
import { storeAdmitted } from './lib/closed-loop.mjs';
import { loadSluice, setting, sleep } from './lib/env.mjs';
import { ipKeys, memoryContenders } from './lib/memory-contenders.mjs';
import { shuffle } from './lib/stats.mjs';
import { makeRunner } from './lib/timed-loop.mjs';

const ROUNDS = setting('BENCH_ROUNDS', 9, 3);
const SLICE_MS = setting('BENCH_SLICE_MS', 250, 40);
const [algorithm, keysArg] = process.argv.slice(2);
const keyCount = Number(keysArg);
const gc = globalThis.gc ?? (() => {});

const { '@sluice/core': core } = await loadSluice(['@sluice/core']);
const keys = ipKeys(keyCount);
const contenders = await memoryContenders(core, keyCount, algorithm);
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
const out = contenders.map(({ id, label, group, kind }, i) => ({ id, label, group, kind, samples: samples[i] }));
console.log(JSON.stringify({ algorithm, keys: keyCount, contenders: out }));
