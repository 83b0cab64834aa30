import type { LeaseHandle } from '../limiter/leases.js';
import { MAX_TIMER_MS } from '../time/timers.js';
import type { HandlerWatch } from './handler-done.js';

/** One renewal round (module-level, so the interval holds no closure of its own). */
function renewLease(keeper: LeaseKeeper): void {
  keeper.renew();
}

/**
 * Holds an admitted request's concurrency lease for as long as its handler works on it: renews
 * it every half `leaseMs` from admission (so a long request keeps its slot, while a process that
 * dies stops renewing and its lease lapses), stops renewing when the response closes before the
 * handler is done (the client left: a handler that never finishes keeps the lease at most
 * `leaseMs` longer), and releases it when the handler is done (`HandlerWatch`). One unref'd
 * interval per held lease. `report` hears a failed renew or release (the lease then lapses by
 * itself after leaseMs); a renew that finds the lease gone stops renewing.
 */
export class LeaseKeeper implements HandlerWatch {
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly lease: LeaseHandle,
    private readonly report: (error: unknown) => void,
  ) {
    const leaseMs = lease.leaseMs;
    if (leaseMs === undefined) return;
    this.timer = setInterval(renewLease, Math.min(MAX_TIMER_MS, Math.max(1, Math.floor(leaseMs / 2))), this);
    this.timer.unref();
  }

  /** @internal One renewal (the interval's). */
  renew(): void {
    this.lease.renew().then((held) => {
      if (!held) this.stop();
    }, this.report);
  }

  responseClosed(): void {
    this.stop();
  }

  handlerDone(): void {
    this.stop();
    this.lease.release().then(undefined, this.report);
  }

  private stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
