import { readFileSync, writeFileSync } from 'node:fs';
import { isUsageError, messageOf, UsageError } from '../errors.js';
import { chartSpec } from '../output/chart.js';
import { renderHtml } from '../output/html.js';
import { renderSvg } from '../output/render.js';
import { renderTable } from '../output/table.js';
import { parsePolicy } from '../policies.js';
import { simulate } from '../simulate/report.js';
import { parseLog } from '../traffic/log.js';
import { mergeSegments } from '../traffic/merge.js';
import { parsePattern, parsePatternFile } from '../traffic/pattern-spec.js';
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

/** Generated patterns start at midnight UTC, 2026-01-01: aligned to every window length up to a day. */
export const PATTERN_EPOCH_MS = Date.UTC(2026, 0, 1);

function readText(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(flag, `cannot read ${path}: ${messageOf(error)}`);
  }
}

function writeText(path: string, text: string, flag: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new UsageError(flag, `cannot write ${path}: ${messageOf(error)}`);
  }
}

/** The traffic the arguments name: merged patterns, a pattern file, or a recorded log. */
export function loadTraffic(args: SimulateArgs): Traffic {
  if (args.log !== undefined) return parseLog(readText(args.log, '--log'));
  const segments = args.patternFile !== undefined ? parsePatternFile(readText(args.patternFile, '--pattern-file')) : args.patterns.map((p) => parsePattern(p));
  return mergeSegments(segments, PATTERN_EPOCH_MS);
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
  const traffic = loadTraffic(args);
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
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.out(MAIN_HELP);
      return command === undefined ? 2 : 0;
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
