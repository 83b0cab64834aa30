/**
 * Event-loop stalls: stretches when this process did not run (CPU starvation on a loaded
 * machine, GC, a synchronous fork). A drill bounds what the limiter makes a call wait, so a
 * call's time spent stalled is not held against it; the stalls are reported beside it.
 */
export interface Stall {
  /** The loop was last seen running at `from` and next at `to` (performance.now(), ms). */
  readonly from: number;
  readonly to: number;
}

const TICK_MS = 10;
/** Lateness below this is ordinary timer jitter, not a stall. */
const JITTER_MS = 20;

export function watchStalls(): { readonly stalls: Stall[]; stop(): void } {
  const stalls: Stall[] = [];
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    if (now - last > TICK_MS + JITTER_MS) stalls.push({ from: last + TICK_MS, to: now });
    last = now;
  }, TICK_MS);
  return { stalls, stop: () => clearInterval(ticker) };
}

/** ms of [start, end] during which the event loop was stalled. */
export function stalledWithin(stalls: readonly Stall[], start: number, end: number): number {
  let total = 0;
  for (const stall of stalls) total += Math.max(0, Math.min(end, stall.to) - Math.max(start, stall.from));
  return total;
}
