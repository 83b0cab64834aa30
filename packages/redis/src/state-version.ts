import type { Algorithm, Policy } from '@sluice/core';

/**
 * The layout of each algorithm's Redis value. A layout change bumps its number, and every
 * number above 1 is part of the key (`...:<policy id>:v2`), so state written in an older layout
 * is never read as the new one (it expires on its own). An algorithm not listed is at layout 1.
 * Version 2 keeps window and bucket state as little-endian doubles packed with Lua's `struct` (exact for integer µs and counts,
 * and cheaper for Redis than formatting and parsing decimal text); the sliding log is unchanged.
 */
export const STATE_VERSIONS: Readonly<Partial<Record<Algorithm, number>>> = Object.freeze({
  'fixed-window': 2,
  'sliding-window': 2,
  'sliding-log': 1,
  'token-bucket': 2,
  'leaky-bucket': 2,
});

/** What follows the base key for `policy`'s state: `:<policy id>`, plus `:v<n>` from layout 2 on. */
export function stateKeySuffix(policy: Policy): string {
  const version = STATE_VERSIONS[policy.algorithm] ?? 1;
  return version === 1 ? ':' + policy.id : ':' + policy.id + ':v' + version;
}
