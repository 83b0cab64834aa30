#!/usr/bin/env node
// `npm run build -w packages/<name>`: builds the package in the current directory, and first any
// workspace package it depends on, each only if it changed since its last build (scripts/build.mjs).
// Extra arguments (--force, --dry-run) are passed on.
import { runBuild } from './build/run.mjs';

try {
  process.exitCode = await runBuild([...process.argv.slice(2), process.cwd()]);
} catch (error) {
  console.error(`build: ${error.message}`);
  process.exitCode = 2;
}
