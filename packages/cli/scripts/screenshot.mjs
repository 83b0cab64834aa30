#!/usr/bin/env node
// Screenshots an SVG or HTML file in headless Chromium, to check a chart as a browser draws it:
//   node packages/cli/scripts/screenshot.mjs <in.svg|in.html> <out.png> [width] [height]
// Needs Chromium (sh scripts/ensure-chromium.sh); CHROMIUM overrides /usr/bin/chromium. The
// window is the SVG's own size (or width x height, default 1000 x 1400 for a page).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [input, output, w, h] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node packages/cli/scripts/screenshot.mjs <in.svg|in.html> <out.png> [width] [height]');
  process.exit(2);
}
const size = /<svg[^>]*\swidth="(\d+(?:\.\d+)?)"[^>]*\sheight="(\d+(?:\.\d+)?)"/.exec(readFileSync(input, 'utf8').slice(0, 2000));
const width = Number(w ?? (size ? Math.ceil(Number(size[1])) : 1000));
const height = Number(h ?? (size ? Math.ceil(Number(size[2])) : 1400));
execFileSync(
  process.env.CHROMIUM ?? '/usr/bin/chromium',
  ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--hide-scrollbars', `--window-size=${width},${height}`, `--screenshot=${resolve(output)}`, pathToFileURL(resolve(input)).href],
  { stdio: ['ignore', 'ignore', 'ignore'], timeout: 60_000 },
);
console.log(`screenshot: ${output} (${width}x${height})`);
