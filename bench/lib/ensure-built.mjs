#!/usr/bin/env node
// Builds the workspace packages a bench part imports when their dist/ is missing or older than
// their sources, so `npm run bench` works on a fresh clone and never measures stale code.
//   node bench/lib/ensure-built.mjs core redis ...   (dependency order: core first)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT_DIR } from './env.mjs';

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function isFresh(dir) {
  const outputs = ['esm', 'cjs'].map((kind) => join(dir, 'dist', kind, 'index.js'));
  if (!outputs.every((file) => existsSync(file))) return false;
  const built = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  const inputs = ['src', 'package.json', 'tsconfig.build.json'].map((name) => join(dir, name)).filter((p) => existsSync(p));
  return Math.max(...inputs.map(newestMtime)) <= built;
}

const order = ['core', 'redis', 'postgres', 'express', 'koa', 'fastify'];
const wanted = process.argv.slice(2);
for (const name of order.filter((n) => wanted.length === 0 || wanted.includes(n))) {
  const dir = join(ROOT_DIR, 'packages', name);
  if (isFresh(dir)) continue;
  console.log(`building packages/${name} (dist missing or older than its sources)`);
  execFileSync('npm', ['run', 'build', '-w', `packages/${name}`], { cwd: ROOT_DIR, stdio: 'inherit' });
}
