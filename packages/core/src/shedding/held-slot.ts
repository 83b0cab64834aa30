import type { ServerResponse } from 'node:http';
import type { HandlerWatch } from '../http/handler-done.js';
import { MAX_TIMER_MS } from '../time/timers.js';
import type { AdaptiveLimiter, Permit } from './adaptive-limiter.js';

/** A slot whose client left is held at most this many latency estimates longer. */
export const ABANDONED_GRACE_FACTOR = 4;
/** The latency estimate before the limiter measured one (its first window), ms: a grace of 1 s. */
export const UNMEASURED_LATENCY_MS = 250;

/** How long a slot whose client left may still wait for its handler, ms: 4 x the baseline RTT, 1 s before there is one. */
export function abandonedGraceMs(limiter: AdaptiveLimiter): number {
  const baseline = limiter.baselineRttMs;
  const estimate = Number.isNaN(baseline) ? UNMEASURED_LATENCY_MS : baseline;
  return Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(ABANDONED_GRACE_FACTOR * estimate)));
}

function expire(slot: HeldSlot): void {
  slot.expire();
}

/**
 * One admitted request's load-shedding slot, held until its handler is done (`HandlerWatch`):
 * then released with a latency sample from admission (a drop when `dropped(status)` says so),
 * also when the client left meanwhile. A handler still at work `abandonedGraceMs` after its
 * client left gives its slot up as a drop (the limit then comes down), so a handler that never
 * finishes cannot hold a slot forever. One unref'd timer, only for a request whose client left.
 */
export class HeldSlot implements HandlerWatch {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly permit: Permit,
    private readonly res: ServerResponse,
    private readonly limiter: AdaptiveLimiter,
    private readonly droppedStatus: (statusCode: number) => boolean,
  ) {}

  responseClosed(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(expire, abandonedGraceMs(this.limiter), this);
    this.timer.unref();
  }

  handlerDone(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.permit.release(this.droppedStatus(this.res.statusCode) ? 'dropped' : 'success');
  }

  /** @internal The grace period ran out: free the slot, counted as a drop (a timeout). */
  expire(): void {
    this.permit.release('dropped');
  }
}
