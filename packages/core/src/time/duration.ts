import { InvalidOptionError } from '../errors.js';

/**
 * A length of time: a whole number of milliseconds, or a string such as '500ms', '30s', '1m',
 * '1h', '1d' (a space before the unit allowed; decimals while the result is whole ms: '1.5s').
 */
export type Duration = number | `${number}${DurationUnit}` | `${number} ${DurationUnit}`;
/** A Duration's unit: milliseconds, seconds, minutes, hours, days. */
export type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd';

const UNIT_MS: Record<DurationUnit, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;
/** Longest window accepted: one year. Longer ones are almost always a unit mistake. */
export const MAX_WINDOW_MS = 366 * 86_400_000;

/**
 * Parses a window: a whole number of milliseconds, or a string such as '500ms', '30s', '1m',
 * '1h', '1d' (decimals allowed while the result is a whole number of milliseconds: '1.5s').
 */
export function parseDuration(value: unknown, option: string): number {
  let ms: number | undefined;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') {
    const match = DURATION_PATTERN.exec(value.trim());
    if (match) ms = Number(match[1]) * UNIT_MS[match[2] as DurationUnit];
  }
  if (ms === undefined || !Number.isInteger(ms) || ms < 1 || ms > MAX_WINDOW_MS) {
    throw new InvalidOptionError(
      option,
      value,
      `a whole number of milliseconds from 1 to ${MAX_WINDOW_MS}, or a string such as '30s', '1m', '1h', '1d'`,
    );
  }
  return ms;
}

/** Compact, stable rendering of a millisecond duration: 60000 -> '1m', 1500 -> '1500ms'. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit];
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
