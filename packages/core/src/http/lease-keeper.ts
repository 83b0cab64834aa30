import type { ServerResponse } from 'node:http';
import type { LeaseHandle } from '../limiter/leases.js';
import { MAX_TIMER_MS } from '../time/timers.js';

/**
 * Holds a concurrency lease for as long as `raw` is open: renews it every half `leaseMs` (so a
 * long response keeps its slot, while a process that dies stops renewing and its lease lapses),
 * and releases it on the response's 'close', which fires however the response ends. One
 * unref'd interval per open response. `report` hears a failed renew or release (the lease
 * then lapses by itself after leaseMs); a renew that finds the lease gone stops renewing.
 */
export function keepLease(raw: ServerResponse, lease: LeaseHandle, report: (error: unknown) => void): void {
  const leaseMs = lease.leaseMs;
  if (leaseMs === undefined) {
    raw.once('close', () => lease.release().then(undefined, report));
    return;
  }
  const every = Math.min(MAX_TIMER_MS, Math.max(1, Math.floor(leaseMs / 2)));
  const timer = setInterval(() => {
    lease.renew().then((held) => {
      if (!held) clearInterval(timer);
    }, report);
  }, every);
  timer.unref();
  raw.once('close', () => {
    clearInterval(timer);
    lease.release().then(undefined, report);
  });
}
