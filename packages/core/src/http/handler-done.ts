import type { ServerResponse } from 'node:http';
import { isThenable } from './thenable.js';

/**
 * Something held for as long as a route's handler works on a request (a concurrency lease, a
 * load-shedding slot): told when the response closed while the handler was still at work (the
 * client left: stop renewing, start a grace period) and, once, when the handler is done.
 */
export interface HandlerWatch {
  /** The response closed before the handler was done (usually: the client hung up). At most once. */
  responseClosed(): void;
  /** The handler is done with the request (or it will never run). Called at most once. */
  handlerDone(): void;
}

/** Calls `watch.handlerDone()` once, from the first `end()` call on `raw` (the app finished after the client left). */
function onEnd(raw: ServerResponse, watch: HandlerWatch): void {
  const end = raw.end;
  // An own `end` on this one response (only after an abort): Node's end still runs after the
  // socket is gone and sets writableEnded, but emits neither 'finish' nor a second 'close'.
  let told = false;
  raw.end = function endThenDone(this: ServerResponse, ...args: unknown[]) {
    try {
      return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
    } finally {
      if (!told) {
        told = true;
        watch.handlerDone();
      }
    }
  } as ServerResponse['end'];
}

/**
 * Express and Fastify: the handler is done when the app ended the response (`ServerResponse.end`,
 * which res.send / reply.send call). A response that closes already ended is done at its
 * 'close' (also after the data was flushed); one that closes before (the client left) is
 * watched for a later `end()`. A handler that never ends the response is never done: the
 * watch's own bound applies (a lease lapses, a slot's grace period runs out).
 */
export function watchResponse(raw: ServerResponse, watch: HandlerWatch): void {
  if (raw.closed || raw.destroyed) {
    if (raw.writableEnded) watch.handlerDone();
    else {
      watch.responseClosed();
      onEnd(raw, watch);
    }
    return;
  }
  raw.once('close', () => {
    if (raw.writableEnded) watch.handlerDone();
    else {
      watch.responseClosed();
      onEnd(raw, watch);
    }
  });
}

/**
 * Koa: the handler is done when downstream's `next()` promise (`proceeded`) settled and the
 * response closed, whichever comes last (Koa skips `res.end` once the socket is gone, so `end`
 * says nothing there; while the client stays, the response closes after the body was sent).
 */
export function watchSettled(raw: ServerResponse, proceeded: unknown, watch: HandlerWatch): void {
  let settled = !isThenable(proceeded);
  let closed = raw.closed || raw.destroyed;
  const onSettled = (): void => {
    settled = true;
    if (closed) watch.handlerDone();
  };
  if (!settled) (proceeded as PromiseLike<unknown>).then(onSettled, onSettled);
  if (closed) {
    if (settled) watch.handlerDone();
    else watch.responseClosed();
    return;
  }
  raw.once('close', () => {
    closed = true;
    if (settled) watch.handlerDone();
    else watch.responseClosed();
  });
}
