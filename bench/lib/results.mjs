// Where a part's results go: bench/results/<part>.json, then docs/benchmarks.md regenerated from all parts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR, QUICK } from './env.mjs';

export const RESULTS_DIR = join(BENCH_DIR, 'results');

/** Writes one part's results (quick runs go to <part>.quick.json so they never replace a full run). */
export async function saveResults(part, data) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${part}${QUICK ? '.quick' : ''}.json`);
  writeFileSync(file, JSON.stringify({ part, quick: QUICK, finishedAt: new Date().toISOString(), ...data }, null, 2) + '\n');
  console.log(`\nwrote ${file}`);
  const { writeReport } = await import('../report.mjs');
  console.log(`wrote ${writeReport()}`);
}
