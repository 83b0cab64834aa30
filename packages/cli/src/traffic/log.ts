import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { MAX_NOW_MS } from '@sluice/core';
import { isUsageError, messageOf, UsageError } from '../errors.js';
import { MAX_REQUESTS, type Traffic } from './types.js';

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
// Common / combined log format: host ident user [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" ...
const ACCESS_LOG = /^(\S+) \S+ \S+ \[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(\.\d+)? ([+-])(\d{2})(\d{2})\]/;
// timestamp, then whitespace or a comma, then the key (the rest of the line, trimmed).
const SIMPLE = /^([^\s,]+)\s*[\s,]\s*(\S(?:.*\S)?)$/;
const NUMBER = /^\d+(?:\.\d+)?$/;
/** Epoch numbers below this are seconds, above it milliseconds (1e11 s is the year 5138). */
const SECONDS_BELOW = 1e11;

/** A parsed request: when (µs since the epoch) and who. */
interface Entry {
  us: number;
  key: string;
}

function accessLogTime(m: RegExpExecArray): number | undefined {
  const month = MONTHS[m[3]!];
  if (month === undefined) return undefined;
  const offsetMin = (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  const ms = Date.UTC(Number(m[4]), month, Number(m[2]), Number(m[5]), Number(m[6]), Number(m[7])) - offsetMin * 60_000;
  return ms * 1000 + (m[8] ? Math.round(Number(`0${m[8]}`) * 1e6) : 0);
}

function simpleTime(text: string): number | undefined {
  if (NUMBER.test(text)) {
    const n = Number(text);
    return n < SECONDS_BELOW ? Math.round(n * 1e6) : Math.round(n * 1000);
  }
  // ISO 8601 and the other forms Date.parse reads; only ones that carry a date and a time.
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms * 1000;
}

function parseLine(line: string): Entry | undefined {
  const access = ACCESS_LOG.exec(line);
  if (access) {
    const us = accessLogTime(access);
    return us === undefined ? undefined : { us, key: access[1]! };
  }
  const simple = SIMPLE.exec(line);
  if (!simple) return undefined;
  const us = simpleTime(simple[1]!);
  // Before 1970 is out of the limiter's clock range (nowMs >= 0): a bad line, not a crash later.
  return us === undefined || us < 0 ? undefined : { us, key: simple[2]! };
}

/** Turns log lines into requests; a bad line is a UsageError naming `flag` and its number. */
class LogReader {
  // Per request only its time and a key id (plain arrays of numbers: compact, growable); each
  // distinct key is kept once, flattened so it holds no slice of its line.
  private readonly times: number[] = [];
  private readonly ids: number[] = [];
  private readonly keys: string[] = [];
  private readonly index = new Map<string, number>();
  private lineNo = 0;
  private sawContent = false;

  constructor(private readonly flag: string) {}

  line(raw: string): void {
    this.lineNo++;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const first = !this.sawContent;
    this.sawContent = true;
    const entry = parseLine(line);
    if (entry === undefined) {
      // Only the first line may name the columns (`timestamp,key`): later word pairs are bad lines.
      if (first && /^[A-Za-z_]+\s*[\s,]\s*[A-Za-z_]+$/.test(line)) return;
      throw new UsageError(
        this.flag,
        `line ${this.lineNo} is neither "<timestamp> <key>" nor a common access-log line: ${JSON.stringify(line.slice(0, 120))}`,
      );
    }
    // The simulator passes each time to the limiter as nowMs; core accepts up to MAX_NOW_MS.
    if (entry.us < 0) throw new UsageError(this.flag, `line ${this.lineNo}: the time is before 1970, out of the limiter's clock range: ${JSON.stringify(line.slice(0, 120))}`);
    if (entry.us / 1000 > MAX_NOW_MS) {
      throw new UsageError(
        this.flag,
        `line ${this.lineNo}: the time is after ${new Date(MAX_NOW_MS).toISOString()} (the latest the limiter's clock takes, ${MAX_NOW_MS} ms since the epoch): ${JSON.stringify(line.slice(0, 120))}`,
      );
    }
    let id = this.index.get(entry.key);
    if (id === undefined) {
      const key = flat(entry.key);
      this.index.set(key, (id = this.keys.push(key) - 1));
    }
    this.times.push(entry.us);
    this.ids.push(id);
    if (this.times.length > MAX_REQUESTS) throw new UsageError(this.flag, `more than ${MAX_REQUESTS} requests`);
  }

  traffic(): Traffic {
    if (this.times.length === 0) throw new UsageError(this.flag, 'the log holds no requests');
    return trafficOf(this.times, this.ids, this.keys);
  }
}

/**
 * Parses a recorded log, one request per line, into traffic (sorted by time, stable). A line is
 * either `<timestamp> <key>` (whitespace or a comma between; the timestamp in epoch seconds or
 * milliseconds, fractions allowed, or ISO 8601 such as `2026-11-30T12:00:00.250Z`) or a
 * common/combined access-log line (the key is the client address). Blank lines, `#` comments
 * and a first line naming the columns (`timestamp,key`) are skipped. Time 0 is the earliest
 * request; the limiter sees the log's own times, which must lie from 1970 to core's MAX_NOW_MS
 * (the year 2255). Throws UsageError naming `flag` and the line.
 */
export function parseLog(text: string, flag = '--log'): Traffic {
  const reader = new LogReader(flag);
  for (const line of text.split(/\r?\n/)) reader.line(line);
  return reader.traffic();
}

/**
 * `parseLog` over a stream (a file or stdin), line by line, so a log of any size is read without
 * holding its text (only the parsed requests, at most MAX_REQUESTS). Throws UsageError naming
 * `flag`; a read error becomes one (`cannot read <what>`).
 */
export async function readLog(input: Readable, flag = '--log', what = 'the log'): Promise<Traffic> {
  const reader = new LogReader(flag);
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) reader.line(line);
  } catch (error) {
    if (isUsageError(error)) throw error;
    throw new UsageError(flag, `cannot read ${what}: ${messageOf(error)}`);
  } finally {
    lines.close();
    input.destroy();
  }
  return reader.traffic();
}

/** A copy of `text` that does not keep the line it was cut from alive. */
function flat(text: string): string {
  return (` ${text}`).slice(1);
}

function trafficOf(times: number[], ids: number[], logKeys: string[]): Traffic {
  const n = times.length;
  // Sorted by time, stable: requests with equal times keep the log's order.
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = times[i - 1]! <= times[i]!;
  if (!sorted) order.sort((a, b) => times[a]! - times[b]! || a - b);
  const epochMs = Math.floor(times[order[0]!]! / 1000);
  // Key ids in order of first appearance in time, as before.
  const remap = new Int32Array(logKeys.length).fill(-1);
  const keys: string[] = [];
  const timesUs = new Float64Array(n);
  const keyIds = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const j = order[i]!;
    const logId = ids[j]!;
    if (remap[logId] === -1) remap[logId] = keys.push(logKeys[logId]!) - 1;
    timesUs[i] = times[j]! - epochMs * 1000;
    keyIds[i] = remap[logId]!;
  }
  return { timesUs, keyIds, keys, epochMs, durationUs: timesUs[n - 1]! + 1 };
}
