import { InvalidOptionError, RateLimitWaitError } from '../errors.js';
import { sleep } from '../time/timers.js';
import { assertKnownKeys, assertPlainObject } from '../validate.js';
import type { Decision } from './decision.js';
import type { AcquireOptions, Limiter } from './limiter.js';

/** Default `maxWaitMs` of `limiter.acquire()`, ms. */
export const DEFAULT_MAX_WAIT_MS = 60_000;
const ACQUIRE_KEYS: ReadonlySet<string> = new Set(['cost', 'maxWaitMs', 'signal']);

interface ReadOptions {
  cost: number | undefined;
  maxWaitMs: number;
  signal: AbortSignal | undefined;
}

function readOptions(options: unknown): ReadOptions {
  if (options === undefined) return { cost: undefined, maxWaitMs: DEFAULT_MAX_WAIT_MS, signal: undefined };
  assertPlainObject(options, 'options');
  assertKnownKeys(options, ACQUIRE_KEYS, '');
  const { cost, maxWaitMs, signal } = options as AcquireOptions;
  if (maxWaitMs !== undefined && !(typeof maxWaitMs === 'number' && maxWaitMs >= 0)) {
    throw new InvalidOptionError('maxWaitMs', maxWaitMs, 'a number of ms >= 0 (Infinity allowed)');
  }
  if (signal !== undefined && !(typeof signal === 'object' && signal !== null && typeof signal.addEventListener === 'function')) {
    throw new InvalidOptionError('signal', signal, 'an AbortSignal');
  }
  return { cost, maxWaitMs: maxWaitMs ?? DEFAULT_MAX_WAIT_MS, signal };
}

/** Gives back what an abandoned admission charged; best effort, only where a store charged it. */
function giveBack(limiter: Limiter, key: string, decision: Decision, cost: number | undefined): void {
  // A concurrency lease goes back to the store that admitted (a release never touches rate policies).
  decision.lease?.release().catch(() => undefined);
  if (decision.decidedBy !== 'store') return;
  limiter.refund(key, cost === undefined ? undefined : { cost }).catch(() => undefined);
}

/** `limiter.acquire`: see the Limiter docstring. */
export async function acquire(limiter: Limiter, key: string, options?: AcquireOptions): Promise<Decision> {
  const { cost, maxWaitMs, signal } = readOptions(options);
  const consumeOptions = cost === undefined ? undefined : { cost };
  const started = performance.now();
  for (;;) {
    if (signal?.aborted) throw signal.reason;
    const decision = await limiter.consume(key, consumeOptions);
    const left = maxWaitMs - (performance.now() - started);
    if (decision.allowed) {
      if (signal?.aborted || decision.delayMs > left) {
        giveBack(limiter, key, decision, cost);
        if (signal?.aborted) throw signal.reason;
        throw new RateLimitWaitError(decision, decision.delayMs, maxWaitMs);
      }
      if (decision.delayMs > 0) {
        try {
          await sleep(decision.delayMs, signal);
        } catch (reason) {
          giveBack(limiter, key, decision, cost);
          throw reason;
        }
      }
      return decision;
    }
    const wait = decision.retryAfterMs;
    // Infinity: no retry of this cost can ever pass, however long the caller would wait.
    if (wait === Infinity || !(wait <= left)) throw new RateLimitWaitError(decision, wait, maxWaitMs);
    // At least 1 ms: a denial always asks for a wait, so the loop can never spin.
    await sleep(Math.max(1, Math.ceil(wait)), signal);
  }
}
