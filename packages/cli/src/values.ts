import { MAX_WINDOW_MS, parseDuration } from '@sluice/core';
import { UsageError } from './errors.js';
import type { CallSpec } from './spec.js';

/** How a parameter reads in a message: `steady.rate`. */
function where(spec: CallSpec, key: string): string {
  return `\`${spec.name}.${key}\``;
}

export interface NumberRule {
  /** Inclusive lower bound. */
  readonly min: number;
  readonly max?: number;
  readonly integer?: boolean;
}

/** A number parameter (`rate=2.5`), or `fallback` when absent. Throws UsageError naming `flag`. */
export function numberParam(spec: CallSpec, key: string, flag: string, fallback: number, rule: NumberRule): number {
  const text = spec.params.get(key);
  if (text === undefined) return fallback;
  const value = Number(text);
  const max = rule.max ?? Number.MAX_SAFE_INTEGER;
  if (text.trim() === '' || !Number.isFinite(value) || value < rule.min || value > max || (rule.integer && !Number.isInteger(value))) {
    const kind = rule.integer ? 'an integer' : 'a number';
    throw new UsageError(flag, `${where(spec, key)} must be ${kind} from ${rule.min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/**
 * A duration parameter in whole milliseconds: `250`, `250ms`, `1.5s`, `1m`, `1h`, `1d`, and `0`
 * when `allowZero`. `fallback` when absent. Throws UsageError naming `flag`.
 */
export function durationParam(spec: CallSpec, key: string, flag: string, fallback: number, allowZero = false): number {
  const text = spec.params.get(key);
  if (text === undefined) return fallback;
  return parseDurationText(text, `${flag} ${where(spec, key)}`, allowZero);
}

/** Parses a duration as core does (`parseDuration`), numbers as milliseconds; UsageError naming `flag`. */
export function parseDurationText(text: string, flag: string, allowZero = false): number {
  const trimmed = text.trim();
  if (allowZero && /^0+(?:\.0*)?\s*(?:ms|s|m|h|d)?$/.test(trimmed)) return 0;
  try {
    return parseDuration(/^\d+$/.test(trimmed) ? Number(trimmed) : trimmed, flag);
  } catch {
    throw new UsageError(
      flag,
      `expected a duration in whole milliseconds from ${allowZero ? '0' : '1'} to ${MAX_WINDOW_MS} (366d), such as 250, 250ms, 1.5s, 1m, 1h, 1d, got ${JSON.stringify(text)}`,
    );
  }
}
