#!/usr/bin/env node
// Builds the workspace packages that changed since their last build, dependencies first.
//
//   node scripts/build.mjs [--force] [--dry-run] [--root DIR] [PACKAGE_DIR ...]
//
// With no PACKAGE_DIR it builds every workspace package that has a tsconfig.build.json; with
// some, only those and the workspace packages they depend on (a folder without a
// tsconfig.build.json, such as examples/, stands for its dependencies). A package is rebuilt when
// its fingerprint (scripts/build/fingerprint.mjs) differs from the one stored in its dist/,
// which covers its sources, configs, the lockfile and its dependencies' fingerprints.
// --force rebuilds regardless; --dry-run prints what would be built and builds nothing.
// Prints one line per package built and one summary line; exits 1 when a package fails.
import { runBuild } from './build/run.mjs';

try {
  process.exitCode = await runBuild(process.argv.slice(2));
} catch (error) {
  console.error(`build: ${error.message}`);
  process.exitCode = 2;
}
