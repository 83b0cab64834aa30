#!/usr/bin/env node
'use strict';
// `sluice`: runs the built CLI (dist/cjs). From a checkout, build it first.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'cjs', 'index.js');
if (!existsSync(entry)) {
  process.stderr.write(
    `sluice: @sluice/cli is not built (${entry} is missing).\n` +
      'Build it from the repository root: node scripts/build.mjs packages/cli   (or npm run build)\n',
  );
  process.exit(1);
}
require(entry)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
