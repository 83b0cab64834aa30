import type { IncomingMessage } from 'node:http';
import { MAX_TIMER_MS } from '../time/timers.js';

/** True once the client's connection is gone: a request held for shaping should then not run (the engine refunds its cost). */
export function clientGone(req: IncomingMessage): boolean {
  const socket = req.socket as IncomingMessage['socket'] | null | undefined;
  return socket === null || socket === undefined || socket.destroyed === true;
}

/**
 * Resolves after `ms` without blocking the event loop (leaky-bucket shaping). Adapters bound
 * `ms` by `maxDelayMs` (<= 2^31-1); the clamp keeps any other caller from a timer Node would fire at once.
 */
export function holdFor(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.min(ms, MAX_TIMER_MS)));
}
