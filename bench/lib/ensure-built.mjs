#!/usr/bin/env node
// Builds the workspace packages a bench part imports (and what they depend on), so a part run on
// its own (`npm run memory -w bench`) never measures a missing or stale dist/. The build script
// itself skips packages whose content has not changed since their last build.
//   node bench/lib/ensure-built.mjs core redis ...
import { execFileSync } from 'node:child_process';
import { ROOT_DIR } from './env.mjs';

const KNOWN = new Set(['core', 'redis', 'postgres', 'express', 'koa', 'fastify']);
const names = process.argv.slice(2);
for (const name of names) if (!KNOWN.has(name)) throw new Error(`ensure-built: unknown package ${name}`);
execFileSync('npm', ['run', 'build', '--silent', ...names.flatMap((name) => ['-w', `packages/${name}`])], { cwd: ROOT_DIR, stdio: 'inherit' });
