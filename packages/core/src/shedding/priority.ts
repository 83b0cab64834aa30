import { InvalidOptionError } from '../errors.js';

/** How much a request matters when the service is saturated: `sheddable` goes first, `critical` last. */
export type Priority = 'critical' | 'normal' | 'sheddable';

/** Every Priority, most important first. */
export const PRIORITIES: readonly Priority[] = ['critical', 'normal', 'sheddable'];

/** The priority a callback returned, or an InvalidOptionError naming `option` for anything else. */
export function assertPriority(value: unknown, option: string): Priority {
  if (value === 'critical' || value === 'normal' || value === 'sheddable') return value;
  throw new InvalidOptionError(option, value, "'critical', 'normal' or 'sheddable'");
}

/**
 * How many requests may be in flight when one of each priority is admitted, for a given limit.
 * Critical traffic may fill the whole limit; normal traffic leaves `criticalReserve` of it free;
 * sheddable traffic leaves `sheddableReserve` free, so it is refused first as load rises. Each
 * class keeps at least one slot so a tiny limit never locks a class out for good.
 */
export interface Ceilings {
  critical: number;
  normal: number;
  sheddable: number;
}

export function ceilingsFor(limit: number, criticalReserve: number, sheddableReserve: number, into: Ceilings): Ceilings {
  into.critical = limit;
  into.normal = Math.max(1, limit - Math.ceil(limit * criticalReserve));
  into.sheddable = Math.max(1, limit - Math.ceil(limit * sheddableReserve));
  return into;
}
