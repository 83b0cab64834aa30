import { InvalidOptionError } from '../errors.js';
import { fixedWindow } from '../policies/fixed-window.js';
import { leakyBucket } from '../policies/leaky-bucket.js';
import type { Policy } from '../policies/policy.js';
import { slidingLog } from '../policies/sliding-log.js';
import { slidingWindow } from '../policies/sliding-window.js';
import { tokenBucket } from '../policies/token-bucket.js';
import type { Store } from '../store/types.js';

/**
 * A throwaway policy the store supports. When `policies` is a function, the real policy arrays
 * only arrive with requests, yet the other limiter options (store, prefix, onStoreError,
 * timeoutMs) must be validated at startup: core's validator wants a policy, so it gets this one.
 */
export function probePolicy(store: Store): Policy {
  switch (store.algorithms[0]) {
    case 'fixed-window':
      return fixedWindow({ limit: 1, window: 1000 });
    case 'sliding-window':
      return slidingWindow({ limit: 1, window: 1000 });
    case 'sliding-log':
      return slidingLog({ limit: 1, window: 1000 });
    case 'token-bucket':
      return tokenBucket({ capacity: 1, refillPerSecond: 1 });
    case 'leaky-bucket':
      return leakyBucket({ capacity: 1, leakPerSecond: 1 });
    default:
      throw new InvalidOptionError('store', store.algorithms, 'a store that supports at least one algorithm');
  }
}
