#!/usr/bin/env node
// Builds the package in the current directory twice from one source tree:
// dist/esm (ES modules) and dist/cjs (CommonJS), each with its own .d.ts files and
// a one-line package.json that tells Node which module system the folder uses.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const cwd = process.cwd();
rmSync(join(cwd, 'dist'), { recursive: true, force: true });

const builds = [
  { dir: 'esm', type: 'module', args: ['--module', 'ES2022', '--moduleResolution', 'Bundler'] },
  { dir: 'cjs', type: 'commonjs', args: ['--module', 'CommonJS', '--moduleResolution', 'Node10'] },
];
for (const build of builds) {
  const outDir = join('dist', build.dir);
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir, ...build.args], {
      cwd,
      stdio: 'inherit',
    });
  } catch {
    console.error(`build failed: ${cwd} (${build.dir}); tsc's errors are above`);
    process.exit(1);
  }
  mkdirSync(join(cwd, outDir), { recursive: true });
  writeFileSync(join(cwd, outDir, 'package.json'), JSON.stringify({ type: build.type }) + '\n');
}
