import { ErrorCodes } from '@sluice/core';
import { UsageError } from '../errors.js';
import { assertKnownParams, type CallSpec, parseCall } from '../spec.js';
import { durationParam, numberParam } from '../values.js';
import { boundaryBurst, burst, ramp, steady, zipf } from './patterns.js';
import { MAX_REQUESTS, type Segment } from './types.js';

const RATE = { min: 0.001, max: 1e9 };
const CLIENTS = { min: 1, max: 10_000_000, integer: true };
const COUNT = { min: 1, max: MAX_REQUESTS, integer: true };

interface PatternEntry {
  readonly params: readonly string[];
  /** Requests the pattern will make, checked before generating any. */
  readonly count: (spec: CallSpec, flag: string) => number;
  readonly build: (spec: CallSpec, flag: string) => Segment;
}

const rate = (spec: CallSpec, flag: string, fallback: number) => numberParam(spec, 'rate', flag, fallback, RATE);
const duration = (spec: CallSpec, flag: string) => durationParam(spec, 'duration', flag, 10_000);
const start = (spec: CallSpec, flag: string) => durationParam(spec, 'start', flag, 0, true);
const clients = (spec: CallSpec, flag: string, fallback: number) => numberParam(spec, 'clients', flag, fallback, CLIENTS);

/** boundary-burst's spread: the burst before the edge starts after the opener at 0, so spread <= boundary. */
function boundarySpread(p: CallSpec, f: string): number {
  const boundaryMs = durationParam(p, 'boundary', f, 1000);
  const spreadMs = durationParam(p, 'spread', f, 100);
  if (spreadMs > boundaryMs) {
    throw new UsageError(f, `\`boundary-burst.spread\` (${spreadMs} ms) must not exceed \`boundary\` (${boundaryMs} ms): the burst before the edge would start before the opening request at 0`);
  }
  return spreadMs;
}

const PATTERNS: Record<string, PatternEntry> = {
  steady: {
    params: ['rate', 'duration', 'start', 'clients'],
    count: (p, f) => (rate(p, f, 10) * duration(p, f)) / 1000,
    build: (p, f) => steady({ rate: rate(p, f, 10), durationMs: duration(p, f), startMs: start(p, f), clients: clients(p, f, 1) }),
  },
  burst: {
    params: ['count', 'at', 'spread', 'repeat', 'every', 'clients'],
    count: (p, f) => numberParam(p, 'count', f, 20, COUNT) * numberParam(p, 'repeat', f, 1, COUNT),
    build: (p, f) =>
      burst({
        count: numberParam(p, 'count', f, 20, COUNT),
        atMs: durationParam(p, 'at', f, 0, true),
        spreadMs: durationParam(p, 'spread', f, 0, true),
        repeat: numberParam(p, 'repeat', f, 1, COUNT),
        everyMs: durationParam(p, 'every', f, 1000),
        clients: clients(p, f, 1),
      }),
  },
  'boundary-burst': {
    params: ['burst', 'boundary', 'spread', 'duration'],
    count: (p, f) => 1 + 2 * numberParam(p, 'burst', f, 20, COUNT),
    build: (p, f) =>
      boundaryBurst({
        burst: numberParam(p, 'burst', f, 20, COUNT),
        boundaryMs: durationParam(p, 'boundary', f, 1000),
        spreadMs: boundarySpread(p, f),
        ...(p.params.has('duration') ? { durationMs: duration(p, f) } : {}),
      }),
  },
  ramp: {
    params: ['from', 'to', 'duration', 'start', 'clients'],
    count: (p, f) =>
      ((numberParam(p, 'from', f, 0, { min: 0, max: 1e9 }) + numberParam(p, 'to', f, 100, { min: 0, max: 1e9 })) / 2) *
      (duration(p, f) / 1000),
    build: (p, f) =>
      ramp({
        from: numberParam(p, 'from', f, 0, { min: 0, max: 1e9 }),
        to: numberParam(p, 'to', f, 100, { min: 0, max: 1e9 }),
        durationMs: duration(p, f),
        startMs: start(p, f),
        clients: clients(p, f, 1),
      }),
  },
  zipf: {
    params: ['rate', 'duration', 'clients', 's', 'seed', 'start'],
    count: (p, f) => (rate(p, f, 1000) * duration(p, f)) / 1000,
    build: (p, f) =>
      zipf({
        rate: rate(p, f, 1000),
        durationMs: duration(p, f),
        clients: clients(p, f, 1000),
        s: numberParam(p, 's', f, 1.1, { min: 0, max: 10 }),
        seed: numberParam(p, 'seed', f, 1, { min: 0, max: 2 ** 32 - 1, integer: true }),
        startMs: start(p, f),
      }),
  },
};

/** Names accepted by `--pattern`. */
export const PATTERN_NAMES = Object.keys(PATTERNS);

/** Looks up a pattern and checks its parameter names. Throws UsageError naming `flag`. */
function entryOf(spec: CallSpec, flag: string): PatternEntry {
  const entry = PATTERNS[spec.name];
  if (entry === undefined) {
    throw new UsageError(flag, `unknown pattern ${JSON.stringify(spec.name)} (expected one of: ${PATTERN_NAMES.join(', ')})`, ErrorCodes.UNKNOWN_OPTION);
  }
  assertKnownParams(spec, entry.params, flag);
  return entry;
}

/** Builds one pattern from its parsed call (at most MAX_REQUESTS requests). Throws UsageError naming `flag`. */
export function buildPattern(spec: CallSpec, flag: string): Segment {
  return buildPatterns([{ spec, flag }])[0]!;
}

/**
 * Builds patterns to be merged into one simulation: every pattern's parameters and the total
 * request count (at most MAX_REQUESTS) are checked before any request is generated. Throws
 * UsageError naming the flag of the pattern at fault.
 */
export function buildPatterns(patterns: readonly { spec: CallSpec; flag: string }[]): Segment[] {
  let total = 0;
  for (const { spec, flag } of patterns) {
    const count = entryOf(spec, flag).count(spec, flag);
    if (count > MAX_REQUESTS) {
      throw new UsageError(flag, `${spec.name} would make ${Math.round(count)} requests; at most ${MAX_REQUESTS} per simulation`);
    }
    total += count;
    if (total > MAX_REQUESTS) {
      throw new UsageError(
        flag,
        `the patterns together would make ${Math.round(total)} requests (this ${spec.name} ${Math.round(count)}); at most ${MAX_REQUESTS} per simulation`,
      );
    }
  }
  return patterns.map(({ spec, flag }) => entryOf(spec, flag).build(spec, flag));
}

/**
 * Parses one `--pattern` value, e.g. `steady(rate=20,duration=10s)`, `boundary-burst`,
 * `zipf(rate=100000,duration=10s,clients=10000,s=1.1)`, and generates its requests.
 */
export function parsePattern(text: string, flag = '--pattern'): Segment {
  return buildPattern(parseCall(text, flag), flag);
}

/**
 * Reads a pattern file's JSON: an array of patterns, or `{ "patterns": [...] }`, each an object
 * `{ "pattern": "steady", "rate": 20, "duration": "10s" }` with the parameters `--pattern` takes.
 * The patterns are merged into one traffic. Throws UsageError naming `flag`.
 */
export function parsePatternFile(json: string, flag = '--pattern-file'): Segment[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new UsageError(flag, `not valid JSON (${(error as Error).message})`);
  }
  const list = Array.isArray(value) ? value : (value as { patterns?: unknown } | null)?.patterns;
  if (!Array.isArray(list) || list.length === 0) {
    throw new UsageError(flag, 'expected a non-empty array of patterns, or { "patterns": [...] }');
  }
  const patterns = list.map((item, index) => {
    const at = `${flag} [${index}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item) || typeof (item as { pattern?: unknown }).pattern !== 'string') {
      throw new UsageError(at, 'expected an object with a "pattern" name, e.g. { "pattern": "steady", "rate": 20 }');
    }
    const params = new Map<string, string>();
    for (const [key, raw] of Object.entries(item as Record<string, unknown>)) {
      if (key === 'pattern') continue;
      if (typeof raw !== 'number' && typeof raw !== 'string') throw new UsageError(at, `"${key}" must be a number or a string`);
      params.set(key, String(raw));
    }
    return { spec: { name: (item as { pattern: string }).pattern, params }, flag: at };
  });
  return buildPatterns(patterns);
}
