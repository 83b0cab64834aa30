// Closed-loop load for remote stores: `inFlight` callers, each starting its next call when the
// last one returns, for a wall-clock slice; cases interleaved in rounds (fresh random order each).
import { sleep } from './env.mjs';
import { quantileSorted, shuffle, summarize } from './stats.mjs';

/** Runs `call(i)` with `inFlight` loops for `ms` of wall time; latencies (ms) go to `latencies` if given. */
export async function slice(call, inFlight, ms, latencies) {
  let index = 0;
  let done = 0;
  const started = performance.now();
  const deadline = started + ms;
  const loop = async () => {
    while (performance.now() < deadline) {
      const t = performance.now();
      await call(index++);
      if (latencies !== undefined) latencies.push(performance.now() - t);
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, loop));
  return { done, perSecond: done / ((performance.now() - started) / 1000) };
}

/**
 * Every case at `inFlight`: a warm-up slice each, then `rounds` rounds of one `sliceMs` slice per
 * case. Returns per case `{ name, rates (per round), perSecond (summary), p50Ms, p99Ms }`.
 */
export async function interleave(cases, { inFlight, rounds, sliceMs, warmMs = sliceMs }) {
  for (const c of cases) await slice(c.call, inFlight, warmMs);
  const rates = cases.map(() => new Array(rounds));
  const latencies = cases.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const i of shuffle(cases.map((_, i) => i))) {
      rates[i][round] = (await slice(cases[i].call, inFlight, sliceMs, latencies[i])).perSecond;
      await sleep(5); // let the last replies drain before the next case starts
    }
  }
  return cases.map((c, i) => {
    const sorted = latencies[i].sort((a, b) => a - b);
    return { name: c.name, id: c.id, inFlight, rates: rates[i], perSecond: summarize(rates[i]), p50Ms: quantileSorted(sorted, 0.5), p99Ms: quantileSorted(sorted, 0.99) };
  });
}

/** Per-round ratio of case `id` to case `ref` in one interleave() result, summarized. */
export function ratioTo(results, id, ref) {
  const a = results.find((r) => r.id === id);
  const b = results.find((r) => r.id === ref);
  return summarize(a.rates.map((v, i) => v / b.rates[i]));
}

/** A Sluice decision that really came from the store (not the failure policy) and admitted. */
export function storeAdmitted(decision) {
  return decision?.allowed === true && decision.degraded === undefined;
}

/**
 * Calls each case once and runs its `verify(result)`, so a store that fails (and fails open)
 * cannot pass for a fast one.
 */
export async function verifyCases(cases) {
  for (const c of cases) {
    if (c.verify === undefined) continue;
    const result = await c.call(0);
    if (!c.verify(result)) throw new Error(`${c.name}: unexpected result before measuring: ${JSON.stringify(result)}`);
  }
}
