import { ErrorCodes } from '@sluice/core';
import { UsageError } from './errors.js';

/** `name(k=v,k=v)` parsed: the name and its parameters in order (values as written). */
export interface CallSpec {
  /** The name before the parentheses, e.g. `fixedWindow`. */
  readonly name: string;
  /** Each `k=v` parameter, in the order written; values as written (unparsed strings). */
  readonly params: ReadonlyMap<string, string>;
}

const CALL = /^\s*([A-Za-z][\w-]*)\s*(?:\(([^()]*)\))?\s*$/;

/**
 * Parses the call syntax shared by `--policy` and `--pattern`: `name`, `name()` or
 * `name(key=value, key=value)`. Values are plain text (numbers, durations such as `1s`).
 * Throws UsageError naming `flag` for bad syntax or a repeated parameter.
 */
export function parseCall(text: string, flag: string): CallSpec {
  const match = CALL.exec(text);
  if (!match) throw new UsageError(flag, `expected name(key=value,...), got ${JSON.stringify(text)}`);
  const params = new Map<string, string>();
  const body = match[2]?.trim() ?? '';
  if (body !== '') {
    for (const part of body.split(',')) {
      const eq = part.indexOf('=');
      const key = part.slice(0, eq).trim();
      const value = part.slice(eq + 1).trim();
      if (eq < 0 || key === '' || value === '') {
        throw new UsageError(flag, `expected key=value in ${JSON.stringify(text)}, got ${JSON.stringify(part.trim())}`);
      }
      if (params.has(key)) throw new UsageError(flag, `parameter \`${key}\` given twice in ${JSON.stringify(text)}`);
      params.set(key, value);
    }
  }
  return { name: match[1]!, params };
}

/** Refuses parameters outside `known` (ERR_SLUICE_UNKNOWN_OPTION), listing the ones accepted. */
export function assertKnownParams(spec: CallSpec, known: readonly string[], flag: string): void {
  for (const key of spec.params.keys()) {
    if (!known.includes(key)) {
      throw new UsageError(
        flag,
        `${spec.name} has no parameter \`${key}\` (it takes: ${known.join(', ')})`,
        ErrorCodes.UNKNOWN_OPTION,
      );
    }
  }
}
