// What every bench part shares: quick mode, machine and version facts, loading the built packages.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT_DIR = join(BENCH_DIR, '..');
const require = createRequire(join(BENCH_DIR, 'package.json'));

/** BENCH_QUICK=1: short slices and fewer keys, to check the harness (figures are not meant to be read). */
export const QUICK = process.env.BENCH_QUICK === '1' || process.argv.includes('--quick');

/** A number from the environment (BENCH_*), else the quick or full default. */
export function setting(name, full, quick) {
  const raw = process.env[name];
  if (raw !== undefined && raw !== '') {
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
    return value;
  }
  return QUICK ? quick : full;
}

/** Version of an installed package, read from its package.json (exports maps may hide it). */
export function packageVersion(name) {
  let dir = dirname(require.resolve(name));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (manifest.name === name) return manifest.version;
    } catch {
      // no package.json here: go up
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

export function versions(names) {
  return Object.fromEntries(names.map((name) => [name, packageVersion(name)]));
}

function gitCommit() {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT_DIR, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'packages'], { cwd: ROOT_DIR, encoding: 'utf8' }).trim();
    return dirty ? `${commit} (+ uncommitted changes in packages/)` : commit;
  } catch {
    return 'unknown';
  }
}

/** The facts a reader needs to judge a figure: CPU, cores, memory, load, Node, commit. */
export function machine() {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverage: loadavg().map((x) => Number(x.toFixed(2))),
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    commit: gitCommit(),
  };
}

/** Imports built workspace packages (dist/), with one clear message when a build is missing. */
export async function loadSluice(names) {
  const modules = {};
  for (const name of names) {
    try {
      modules[name] = await import(name);
    } catch (error) {
      console.error(`Cannot load ${name} (${error.message}).\nBuild it first: npm run build -w packages/${name.split('/')[1]}`);
      process.exit(1);
    }
  }
  return modules;
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const fmt = {
  rate: (perSecond) => (perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)}M` : perSecond >= 1e3 ? `${(perSecond / 1e3).toFixed(1)}k` : perSecond.toFixed(0)),
  pct: (fraction) => `${(fraction * 100).toFixed(1)}%`,
  ratio: (x) => `${x.toFixed(2)}x`,
};

/** A plain-text table for stdout (the same rows go to the JSON file and the docs). */
export function printTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) => '| ' + cells.map((cell, i) => String(cell).padEnd(widths[i])).join(' | ') + ' |';
  console.log(line(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const row of rows) console.log(line(row));
}

/** The command that reproduces this run: the npm script with the BENCH_* settings in effect. */
export function command(script) {
  const settings = Object.entries(process.env)
    .filter(([name]) => name.startsWith('BENCH_'))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${value}`);
  // A connection string may hold a password: say only that one was given.
  if (process.env.DATABASE_URL && script.includes('postgres')) settings.push('DATABASE_URL=...');
  return [...settings, script].join(' ');
}
