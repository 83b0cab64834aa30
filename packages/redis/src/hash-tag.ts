import { InvalidOptionError } from '@sluice/core';

/**
 * Core hands stores `<prefix>:{<clientKey>}`. Redis Cluster hashes only the first non-empty
 * `{...}`, which is what keeps every policy key of a decision in one slot. A key without one
 * would work on a single server and fail with CROSSSLOT on a Cluster, so it is refused everywhere.
 */
export function assertHashTagged(key: unknown): asserts key is string {
  if (typeof key === 'string') {
    const open = key.indexOf('{');
    if (open !== -1 && key.indexOf('}', open + 1) > open + 1) return;
  }
  throw new InvalidOptionError('key', key, 'a hash-tagged base key `<prefix>:{<clientKey>}` (see baseKey() in @sluice/core)');
}
