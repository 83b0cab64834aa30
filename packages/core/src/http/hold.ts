import type { IncomingMessage } from 'node:http';

/** True once the client's connection is gone: a request held for shaping should then not run. */
export function clientGone(req: IncomingMessage): boolean {
  const socket = req.socket as IncomingMessage['socket'] | null | undefined;
  return socket === null || socket === undefined || socket.destroyed === true;
}

/** Resolves after `ms` without blocking the event loop (leaky-bucket shaping). */
export function holdFor(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
