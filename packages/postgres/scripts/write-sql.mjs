#!/usr/bin/env node
// Writes sql/001_init.sql from the built package (run `npm run build` first), so the file
// shipped for teams that run migrations themselves is exactly what migrate() runs.
// test/schema.test.ts fails when the file and the code drift apart.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrationSql } from '../dist/esm/index.js';

const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'sql', '001_init.sql');
writeFileSync(file, migrationSql());
console.log(`wrote ${file}`);
