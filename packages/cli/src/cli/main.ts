import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { MAX_NOW_MS } from '@sluice/core';
import { isUsageError, messageOf, UsageError } from '../errors.js';
import { chartSpec } from '../output/chart.js';
import { renderHtml } from '../output/html.js';
import { renderSvg } from '../output/render.js';
import { renderTable } from '../output/table.js';
import { parsePolicy } from '../policies.js';
import { simulate } from '../simulate/report.js';
import { readLog } from '../traffic/log.js';
import { mergeSegments } from '../traffic/merge.js';
import { parseCall } from '../spec.js';
import { buildPatterns, parsePatternFile } from '../traffic/pattern-spec.js';
import type { Traffic } from '../traffic/types.js';
import { parseSimulateArgs, type SimulateArgs } from './args.js';
import { MAIN_HELP, SIMULATE_HELP } from './help.js';

/** Where `main` writes; `process.stdout`/`stderr` by default. */
export interface Io {
  /** Writes to standard output (results, the table, JSON). */
  out(text: string): void;
  /** Writes to standard error (usage errors, warnings). */
  err(text: string): void;
}

const processIo: Io = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };

let stdoutGuarded = false;
/**
 * `sluice simulate --json | head -2`: the reader leaves, writes to stdout fail with EPIPE. The
 * output was not wanted any more, so end quietly (status 0) instead of a stack trace.
 */
function quietOnClosedStdout(): void {
  if (stdoutGuarded) return;
  stdoutGuarded = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

/** Generated patterns start at midnight UTC, 2026-01-01: aligned to every window length up to a day. */
export const PATTERN_EPOCH_MS = Date.UTC(2026, 0, 1);

function readText(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(flag, `cannot read ${path}: ${messageOf(error)}`);
  }
}

/** The log as a stream (`-` is stdin); opening errors (missing file, a directory) are UsageErrors. */
async function openLog(path: string): Promise<Readable> {
  if (path === '-') return process.stdin;
  const stream = createReadStream(path);
  await new Promise<void>((resolve, reject) => {
    stream.once('ready', () => resolve());
    stream.once('error', (error) => reject(new UsageError('--log', `cannot read ${path}: ${messageOf(error)}`)));
  });
  return stream;
}

function writeText(path: string, text: string, flag: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new UsageError(flag, `cannot write ${path}: ${messageOf(error)}`);
  }
}

/**
 * The traffic the arguments name: merged patterns, a pattern file, or a recorded log (read as a
 * stream, line by line; `-` reads stdin). Throws UsageError naming the flag: more than
 * MAX_REQUESTS in all, or a time the limiter's clock cannot take (after MAX_NOW_MS).
 */
export async function loadTraffic(args: SimulateArgs): Promise<Traffic> {
  if (args.log !== undefined) return readLog(await openLog(args.log), '--log', args.log === '-' ? 'stdin' : args.log);
  const fromFile = args.patternFile !== undefined;
  const segments = fromFile
    ? parsePatternFile(readText(args.patternFile!, '--pattern-file'))
    : buildPatterns(args.patterns.map((text) => ({ spec: parseCall(text, '--pattern'), flag: '--pattern' })));
  segments.forEach((segment, i) => {
    // The simulator passes every request's time to the limiter as nowMs (core's bound: MAX_NOW_MS).
    const lastMs = PATTERN_EPOCH_MS + (segment.timesUs.length > 0 ? segment.timesUs[segment.timesUs.length - 1]! : 0) / 1000;
    if (lastMs > MAX_NOW_MS) {
      const flag = fromFile ? `--pattern-file [${i}]` : '--pattern';
      const what = fromFile ? 'this pattern' : JSON.stringify(args.patterns[i]);
      throw new UsageError(
        flag,
        `${what} runs ${days(lastMs - PATTERN_EPOCH_MS)} past its start (${new Date(PATTERN_EPOCH_MS).toISOString()}); the limiter's clock ends at ${new Date(MAX_NOW_MS).toISOString()}, at most ${days(MAX_NOW_MS - PATTERN_EPOCH_MS)} later`,
      );
    }
  });
  return mergeSegments(segments, PATTERN_EPOCH_MS);
}

/** A long span in whole days, for messages. */
function days(ms: number): string {
  return `${Math.floor(ms / 86_400_000)} days`;
}

function quote(arg: string): string {
  return /^[\w./=:-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

async function runSimulate(argv: readonly string[], io: Io): Promise<number> {
  const args = parseSimulateArgs(argv);
  if (args.help) {
    io.out(SIMULATE_HELP);
    return 0;
  }
  const policies = args.policies.map((p) => parsePolicy(p));
  const traffic = await loadTraffic(args);
  if (traffic.timesUs.length === 0) throw new UsageError(args.log ? '--log' : '--pattern', 'the traffic holds no requests');
  const report = simulate(traffic, policies, { bucketMs: args.bucketMs, windowMs: args.windowMs });
  const title = args.title ?? 'sluice simulate';
  if (args.chart !== undefined || args.html !== undefined) {
    const svg = await renderSvg(chartSpec(report, title));
    if (args.chart !== undefined) writeText(args.chart, svg, '--chart');
    if (args.html !== undefined) {
      const command = ['sluice', 'simulate', ...argv].map(quote).join(' ');
      writeText(args.html, renderHtml(report, svg, title, command), '--html');
    }
  }
  io.out(args.json ? `${JSON.stringify(report, null, 2)}\n` : renderTable(report));
  return 0;
}

/**
 * Runs the `sluice` command line and resolves with its exit status: 0 done, 1 failed,
 * 2 bad arguments (a UsageError, printed with the flag it names).
 */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  if (io === processIo) quietOnClosedStdout();
  try {
    const [command, ...rest] = argv;
    // No command is a usage error (usage on stderr, 2); asking for help is not (stdout, 0).
    if (command === undefined) {
      io.err(MAIN_HELP);
      return 2;
    }
    if (command === '--help' || command === '-h' || command === 'help') {
      io.out(MAIN_HELP);
      return 0;
    }
    if (command !== 'simulate') throw new UsageError(command, "unknown command (the command is 'simulate')");
    return await runSimulate(rest, io);
  } catch (error) {
    if (isUsageError(error)) {
      io.err(`sluice: ${error.message}\nRun 'sluice simulate --help' for the flags.\n`);
      return 2;
    }
    io.err(`sluice: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}
