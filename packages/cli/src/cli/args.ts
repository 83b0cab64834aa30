import { ErrorCodes } from '@sluice/core';
import { UsageError } from '../errors.js';
import { parseDurationText } from '../values.js';

/** `sluice simulate`'s flags, parsed (values still as written where a later step parses them). */
export interface SimulateArgs {
  /** Each `--policy` as written, e.g. `fixedWindow(limit=10,window=1s)` (parsed by parsePolicy). */
  policies: string[];
  /** Each `--pattern` as written, e.g. `steady(rate=20,duration=10s)` (parsed by parsePattern). */
  patterns: string[];
  /** `--pattern-file`: path of a JSON array of patterns. */
  patternFile: string | undefined;
  /** `--log`: path of a request log (one `<timestamp> <key>` per line, or a common access-log format). */
  log: string | undefined;
  /** `--bucket`: the chart's and series' time bucket, ms. Default: about 60 buckets over the run. */
  bucketMs: number | undefined;
  /** `--window`: length of the worst-window measure, ms. Default: each policy's window (1 s for buckets). */
  windowMs: number | undefined;
  /** `--json`: print machine-readable results. */
  json: boolean;
  /** `--chart`: path of the SVG chart to write. */
  chart: string | undefined;
  /** `--html`: path of the self-contained HTML page to write. */
  html: string | undefined;
  /** `--title`: the chart's and page's title. Default 'sluice simulate'. */
  title: string | undefined;
  /** `--help` / `-h`: print usage instead of simulating. */
  help: boolean;
}

const VALUE_FLAGS = ['--policy', '--pattern', '--pattern-file', '--log', '--bucket', '--window', '--chart', '--html', '--title'] as const;
const BOOLEAN_FLAGS = ['--json', '--help', '-h'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

/**
 * Parses `sluice simulate`'s arguments: `--flag value` or `--flag=value`; `--policy` and
 * `--pattern` repeat. Throws UsageError naming the flag: unknown (ERR_SLUICE_UNKNOWN_OPTION),
 * missing value, a value given twice, a bad duration, or conflicting traffic sources.
 */
export function parseSimulateArgs(argv: readonly string[]): SimulateArgs {
  const args: SimulateArgs = {
    policies: [],
    patterns: [],
    patternFile: undefined,
    log: undefined,
    bucketMs: undefined,
    windowMs: undefined,
    json: false,
    chart: undefined,
    html: undefined,
    title: undefined,
    help: false,
  };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if ((BOOLEAN_FLAGS as readonly string[]).includes(flag)) {
      if (eq > 0) throw new UsageError(flag, 'takes no value');
      if (flag === '--json') args.json = true;
      else args.help = true;
      continue;
    }
    if (!(VALUE_FLAGS as readonly string[]).includes(flag)) {
      throw new UsageError(
        flag,
        flag.startsWith('-') ? 'unknown flag (see sluice simulate --help)' : 'unexpected argument (flags take the form --name value)',
        ErrorCodes.UNKNOWN_OPTION,
      );
    }
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || (value.startsWith('--') && value.length > 2)) throw new UsageError(flag, 'needs a value');
      i++;
    }
    if (value.trim() === '') throw new UsageError(flag, 'needs a non-empty value');
    assign(args, flag as ValueFlag, value, seen);
  }
  if (args.help) return args;
  const sources = [args.patterns.length > 0 && '--pattern', args.patternFile !== undefined && '--pattern-file', args.log !== undefined && '--log'].filter(Boolean);
  if (sources.length > 1) throw new UsageError(sources[1] as string, `cannot be combined with ${sources[0]}: give one source of traffic`);
  if (sources.length === 0) throw new UsageError('--pattern', 'no traffic: give --pattern, --pattern-file or --log');
  if (args.policies.length === 0) throw new UsageError('--policy', "no policy: give at least one, e.g. --policy 'fixedWindow(limit=10,window=1s)'");
  return args;
}

function assign(args: SimulateArgs, flag: ValueFlag, value: string, seen: Set<string>): void {
  if (flag === '--policy') return void args.policies.push(value);
  if (flag === '--pattern') return void args.patterns.push(value);
  if (seen.has(flag)) throw new UsageError(flag, 'given twice');
  seen.add(flag);
  switch (flag) {
    case '--pattern-file':
      args.patternFile = value;
      break;
    case '--log':
      args.log = value;
      break;
    case '--bucket':
      args.bucketMs = parseDurationText(value, flag);
      break;
    case '--window':
      args.windowMs = parseDurationText(value, flag);
      break;
    case '--chart':
      args.chart = value;
      break;
    case '--html':
      args.html = value;
      break;
    case '--title':
      args.title = value;
      break;
  }
}
