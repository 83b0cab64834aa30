import type { ConcurrencyPolicy } from '../policies/policy.js';
import type { ConcurrencyState, Evaluation, Lease, StoreMode } from './types.js';

/** Units held by `leases`. */
function unitsOf(leases: readonly Lease[]): number {
  let units = 0;
  for (const lease of leases) units += lease.units;
  return units;
}

/** Latest expiry of `leases`, or `now` when there are none. */
function latestExpiry(leases: readonly Lease[], now: number): number {
  let latest = now;
  for (const lease of leases) if (lease.expiresAtUs > latest) latest = lease.expiresAtUs;
  return latest;
}

/**
 * When a request of `cost` fits if no lease is released early: the leases expire in expiry
 * order, and it fits once `used + cost − limit` units have expired. An upper bound (the
 * limiter turns it into an estimate from observed hold times; see docs/concurrency.md).
 */
function retryAfterUs(leases: readonly Lease[], used: number, cost: number, limit: number, now: number): number {
  if (cost > limit) return Infinity;
  let excess = used + cost - limit;
  if (excess <= 0) return 0;
  const byExpiry = [...leases].sort((a, b) => a.expiresAtUs - b.expiresAtUs);
  for (const lease of byExpiry) {
    excess -= lease.units;
    if (excess <= 0) return lease.expiresAtUs - now;
  }
  return 0; // unreachable: every lease expiring frees `used` units
}

function stateOf(leases: readonly Lease[], now: number): ConcurrencyState | undefined {
  return leases.length === 0 ? undefined : { expiresAtUs: latestExpiry(leases, now), leases };
}

/**
 * The reference model of the concurrency limit. A lease is held while now < its expiry.
 * consume: admitted when the live leases' units + cost <= limit, then takes lease `lease`
 * (cost units, expiring at now + leaseMs; a live lease of the same id is replaced, not added).
 * peek: reports without writing, admitting as that consume would. refund: changes no lease (the lease is released, not refunded).
 * release: drops lease `lease` (allowed, whether or not it was held). renew: extends a live
 * lease `lease` to now + leaseMs (allowed); a lease no longer held is not taken again (denied,
 * `retryAfterUs` as a consume would get). Every mode but peek writes the expired leases away.
 */
export function evaluateConcurrency(
  policy: ConcurrencyPolicy,
  state: ConcurrencyState | undefined,
  now: number,
  cost: number,
  mode: StoreMode,
  lease: string | undefined,
): Evaluation {
  const { limit, leaseUs } = policy;
  const live = state === undefined ? [] : state.leases.filter((held) => held.expiresAtUs > now);
  const used = unitsOf(live);
  const report = (allowed: boolean, leases: readonly Lease[], retry: number, next: ConcurrencyState | undefined): Evaluation => {
    const held = unitsOf(leases);
    return {
      allowed,
      remaining: held >= limit ? 0 : limit - held,
      resetAfterUs: latestExpiry(leases, now) - now,
      retryAfterUs: retry,
      delayUs: 0,
      next,
    };
  };

  if (mode === 'peek') {
    // As a consume with this lease id would be decided (its own live lease does not count), unwritten.
    const others = lease === undefined ? live : live.filter((held) => held.id !== lease);
    const usedByOthers = unitsOf(others);
    const allowed = usedByOthers + cost <= limit;
    return report(allowed, live, allowed ? 0 : retryAfterUs(others, usedByOthers, cost, limit, now), state);
  }
  if (mode === 'refund') return report(true, live, 0, stateOf(live, now));
  if (mode === 'release') {
    const kept = live.filter((held) => held.id !== lease);
    return report(true, kept, 0, stateOf(kept, now));
  }
  if (mode === 'renew') {
    const index = live.findIndex((held) => held.id === lease);
    if (index < 0) return report(false, live, retryAfterUs(live, used, cost, limit, now), stateOf(live, now));
    const renewed = live.map((held, i) => (i === index ? { id: held.id, units: held.units, expiresAtUs: now + leaseUs } : held));
    return report(true, renewed, 0, stateOf(renewed, now));
  }
  if (lease === undefined) throw new TypeError('A concurrency policy needs a lease id to consume (StoreRequest.lease).');
  const others = live.filter((held) => held.id !== lease);
  const usedByOthers = unitsOf(others);
  if (usedByOthers + cost > limit) {
    return report(false, live, retryAfterUs(others, usedByOthers, cost, limit, now), state);
  }
  const taken = [...others, { id: lease, units: cost, expiresAtUs: now + leaseUs }];
  return report(true, taken, 0, stateOf(taken, now));
}
