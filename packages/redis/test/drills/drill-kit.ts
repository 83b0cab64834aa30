import { appendFileSync } from 'node:fs';
import { runInThisContext } from 'node:vm';
import { stalledWithin, watchStalls, type Stall } from './stalls';
import {
  breakerStateOf,
  createLimiter,
  fixedWindow,
  MemoryStore,
  sleep,
  type BreakerEvent,
  type Decision,
  type FailurePolicy,
  type Limiter,
  type Store,
} from '@sluice/core';
import { waitUntil } from '../harness/wait';

/**
 * Outage drills (issue 11): a steady load of `consume` calls against limiters on a real store
 * while the store is killed, frozen or failed over, then brought back. Shared by the Redis and
 * PostgreSQL drills. Every call is timed; the checks are correctness bounds (a call never
 * waits past timeoutMs + DRILL_MARGIN_MS), not performance claims.
 */

/** Slack on top of timeoutMs for a loaded 2-core machine (timer and event-loop lag). */
export const DRILL_MARGIN_MS = 250;
/** Concurrent consume loops per limiter. */
export const LOOPS = 20;
/** Pause between one loop's calls, so an open breaker (answers in microseconds) cannot starve timers. */
const PAUSE_MS = 5;

export const DRILL_TIMEOUT_MS = 100;
/** The end of the load that must be all store decisions. */
const TAIL_CHECK_MS = 300;
/** How long every breaker must stay closed before the drill calls the store back to normal. */
const STEADY_MS = 500;
/** Breaker options of every drill: the defaults but a 500 ms cool-down, so recovery is measured within a second. */
export const DRILL_BREAKER = { failureThreshold: 5, cooldownMs: 500, halfOpenProbes: 2 } as const;

export type FailureKind = 'allow' | 'deny' | 'fallback';
export const FAILURE_KINDS: readonly FailureKind[] = ['allow', 'deny', 'fallback'];

export function failurePolicy(kind: FailureKind): FailurePolicy {
  return kind === 'fallback' ? new MemoryStore() : kind;
}

/** A limit no drill reaches: every store decision admits, so a denial is always the failure policy's. */
export const DRILL_POLICIES = [fixedWindow({ limit: 1_000_000, window: '1m' })];

/** The drills' limiter for one failure policy on `store` (its own store object: its own breaker). */
export function drillSubject(kind: FailureKind, store: Store): Subject {
  const limiter = createLimiter({
    store,
    policies: DRILL_POLICIES,
    prefix: `drill-${kind}`,
    onStoreError: failurePolicy(kind),
    timeoutMs: DRILL_TIMEOUT_MS,
    breaker: DRILL_BREAKER,
    // The store-misconfigured warning is expected while a store is down; the drill checks decisions.
    onWarning: () => {},
  });
  return { kind, limiter, store };
}

/** One limiter under load, with its own store object (so its own breaker). */
export interface Subject {
  readonly kind: FailureKind;
  readonly limiter: Limiter;
  readonly store: Store;
}

export interface Call {
  readonly startedAt: number;
  readonly ms: number;
  readonly decidedBy: Decision['decidedBy'];
  readonly degraded: Decision['degraded'];
  readonly allowed: boolean;
}

export interface Trace {
  readonly kind: FailureKind;
  readonly calls: Call[];
  readonly breaker: (BreakerEvent & { at: number })[];
  /** Calls that threw or rejected (never expected: the failure policy decides). */
  readonly thrown: unknown[];
}

/** An outage: `begin` breaks the store; `end` brings it back and resolves when it answers again. */
export interface Outage {
  readonly name: string;
  begin(): Promise<void>;
  end(): Promise<void>;
}

export interface DrillTimes {
  /** When the outage began, when the store answered again, when the load stopped (performance.now()). */
  readonly downAt: number;
  readonly backAt: number;
  readonly endAt: number;
  /** Event-loop stalls during the drill. */
  readonly stalls: readonly Stall[];
}

/**
 * Unhandled rejections and uncaught exceptions seen while a drill runs. Listens on Node's own
 * process object: the `process` a Jest test sees is a copy that never hears of them.
 */
export function watchProcess(): { readonly problems: unknown[]; dispose(): void } {
  const real = runInThisContext('process') as NodeJS.Process;
  const problems: unknown[] = [];
  const onProblem = (reason: unknown) => problems.push(reason);
  real.on('unhandledRejection', onProblem);
  real.on('uncaughtException', onProblem);
  return {
    problems,
    dispose() {
      real.off('unhandledRejection', onProblem);
      real.off('uncaughtException', onProblem);
    },
  };
}

/** Proves a watch hears an unhandled rejection: one is made, seen, then handled late (so Jest forgives it). */
export async function probeWatch(watch: ReturnType<typeof watchProcess>): Promise<void> {
  const probe = new Error('drill probe: an unhandled rejection');
  const rejected = Promise.reject(probe);
  await sleep(20);
  rejected.catch(() => {});
  // A timer turn, so Node reports 'rejectionHandled' (and Jest forgives the probe).
  await sleep(1);
  expect(watch.problems).toEqual([probe]);
  watch.problems.length = 0;
}

/** Runs LOOPS consume loops per subject until `stop()`, which resolves when every call has settled. */
function startLoad(subjects: readonly Subject[], keyOf: (loop: number) => string): { traces: Trace[]; stop(): Promise<void> } {
  let running = true;
  const traces = subjects.map((subject) => ({ kind: subject.kind, calls: [] as Call[], breaker: [] as Trace['breaker'], thrown: [] as unknown[] }));
  const unsubscribe = subjects.map((subject, index) =>
    subject.limiter.events.on('breaker', (event) => traces[index]!.breaker.push({ ...event, at: performance.now() })),
  );
  const loops: Promise<void>[] = [];
  subjects.forEach((subject, index) => {
    const trace = traces[index]!;
    for (let loop = 0; loop < LOOPS; loop++) {
      const key = keyOf(loop);
      loops.push(
        (async () => {
          while (running) {
            const startedAt = performance.now();
            try {
              const decision = await subject.limiter.consume(key);
              trace.calls.push({ startedAt, ms: performance.now() - startedAt, decidedBy: decision.decidedBy, degraded: decision.degraded, allowed: decision.allowed });
            } catch (error) {
              trace.thrown.push(error);
            }
            await sleep(PAUSE_MS);
          }
        })(),
      );
    }
  });
  return {
    traces,
    async stop() {
      running = false;
      // A call that never settles would hang here: bound the wait and say so.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const hung = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('a consume call never settled')), 5_000);
      });
      try {
        await Promise.race([Promise.all(loops), hung]);
      } finally {
        clearTimeout(timer);
        for (const off of unsubscribe) off();
      }
    },
  };
}

const waitFor = (check: () => boolean, timeoutMs: number, message: string) => waitUntil(async () => check(), timeoutMs, message);

/**
 * Warm-up (store decides), the outage held `holdMs` (at least until every breaker opened),
 * recovery (every breaker closed again), then `tailMs` of normal load. Throws (failing the
 * test) if a breaker never opens or never closes.
 */
export async function runDrill(
  subjects: readonly Subject[],
  outage: Outage,
  options: { keyOf: (loop: number) => string; holdMs?: number; tailMs?: number; openWithinMs?: number },
): Promise<{ traces: Trace[]; times: DrillTimes }> {
  const watch = watchStalls();
  const load = startLoad(subjects, options.keyOf);
  const breakers = () => subjects.map((subject) => breakerStateOf(subject.store));
  let downAt = 0;
  let backAt = 0;
  try {
    await sleep(500);
    await waitFor(() => breakers().every((state) => state === 'closed'), 5_000, `${outage.name}: a breaker is open before the outage`);
    downAt = performance.now();
    await outage.begin();
    await waitFor(
      () => breakers().every((state) => state === 'open'),
      options.openWithinMs ?? 5_000,
      `${outage.name}: not every breaker opened (${breakers().join(', ')})`,
    );
    await sleep(Math.max(0, downAt + (options.holdMs ?? 1_500) - performance.now()));
    await outage.end();
    backAt = performance.now();
    // Recovery is judged from the calls afterwards (checkDrill); this only bounds the drill: every
    // breaker closed and none moved for STEADY_MS (a reconnect storm may open one again at first).
    const lastMove = () => Math.max(backAt, ...load.traces.flatMap((trace) => trace.breaker.map((event) => event.at)));
    await waitFor(
      () => breakers().every((state) => state === 'closed') && performance.now() - lastMove() >= STEADY_MS,
      10_000,
      `${outage.name}: the breakers never settled closed (${breakers().join(', ')})`,
    );
    await sleep(options.tailMs ?? TAIL_CHECK_MS);
  } finally {
    try {
      await load.stop();
    } finally {
      watch.stop();
    }
  }
  return { traces: load.traces, times: { downAt, backAt, endAt: performance.now(), stalls: watch.stalls } };
}

export interface Figures {
  drill: string;
  kind: FailureKind;
  calls: number;
  /** From the outage's start until the store answered again, ms. */
  outageMs: number;
  /** Longest call during the outage that went to the store (breaker closed or probing), ms. */
  longestClosedMs: number;
  /** Calls answered with degraded 'breaker-open': the 99th percentile and the longest, ms. */
  openP99Ms: number;
  longestOpenMs: number;
  breakerOpenCalls: number;
  /** From the store answering again to the first call it decided, ms. */
  recoveryMs: number;
  /** From the store answering again to the breaker's last move (closed for good), ms. */
  settledMs: number;
  /** Longest call, and longest once the event-loop stalls within it are taken out, ms. */
  longestMs: number;
  longestUnstalledMs: number;
  /** Longest event-loop stall during the drill, ms. */
  longestStallMs: number;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

function percentile(values: number[], share: number): number {
  if (values.length === 0) return NaN;
  const sorted = values.sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!;
}

/** A call's time minus the event-loop stalls within it: what the limiter made it wait. */
function unstalled(call: Call, stalls: readonly Stall[]): number {
  return call.ms - stalledWithin(stalls, call.startedAt, call.startedAt + call.ms);
}

/** The figures a drill report gives (see docs/resilience.md "Outage drills"). */
export function figuresOf(drill: string, trace: Trace, times: DrillTimes): Figures {
  const during = trace.calls.filter((call) => call.startedAt >= times.downAt && call.startedAt < times.backAt);
  const open = trace.calls.filter((call) => call.degraded === 'breaker-open');
  const recovered = trace.calls.find((call) => call.startedAt >= times.backAt && call.decidedBy === 'store');
  const longest = (calls: readonly Call[]) => round(calls.reduce((max, call) => Math.max(max, call.ms), 0));
  return {
    drill,
    kind: trace.kind,
    calls: trace.calls.length,
    outageMs: round(times.backAt - times.downAt),
    longestClosedMs: longest(during.filter((call) => call.degraded !== 'breaker-open')),
    openP99Ms: round(percentile(open.map((call) => call.ms), 0.99)),
    longestOpenMs: longest(open),
    breakerOpenCalls: open.length,
    recoveryMs: recovered === undefined ? Infinity : round(recovered.startedAt + recovered.ms - times.backAt),
    settledMs: round((trace.breaker.at(-1)?.at ?? Infinity) - times.backAt),
    longestMs: longest(trace.calls),
    longestUnstalledMs: round(trace.calls.reduce((max, call) => Math.max(max, unstalled(call, times.stalls)), 0)),
    longestStallMs: round(times.stalls.reduce((max, stall) => Math.max(max, stall.to - stall.from), 0)),
  };
}

/** SLUICE_DRILL_REPORT=<file>: one JSON line of figures per drill and failure policy. */
export function report(figures: Figures): void {
  const file = process.env.SLUICE_DRILL_REPORT;
  if (file) appendFileSync(file, JSON.stringify(figures) + '\n');
}

/** What a degraded decision of each failure policy looks like. */
export function expectedDegraded(kind: FailureKind): { decidedBy: Decision['decidedBy']; allowed: boolean } {
  if (kind === 'fallback') return { decidedBy: 'fallback', allowed: true };
  return { decidedBy: 'failure-policy', allowed: kind === 'allow' };
}

/** "Normal again within about a second" of the store answering, with the drills' 500 ms cool-down. */
export const RECOVERY_BOUND_MS = 1_500;
/**
 * The breaker closed for good: after a PostgreSQL restart the pool's reconnect storm can time
 * calls out and reopen it once (one more cool-down).
 */
export const SETTLE_BOUND_MS = 2_500;

/**
 * The drill's claims for one subject: nothing threw, every call settled within timeoutMs +
 * DRILL_MARGIN_MS, degraded decisions follow the failure policy, the breaker opened and its
 * decisions took well under timeoutMs, and the store decides again soon after it is back.
 */
export function checkDrill(trace: Trace, times: DrillTimes, timeoutMs: number): Figures {
  const figures = figuresOf('', trace, times);
  expect(trace.thrown).toEqual([]);
  expect(trace.calls.length).toBeGreaterThan(0);
  // Time the process did not run at all (a loaded shared machine) is not the limiter's wait.
  const slow = trace.calls.filter((call) => unstalled(call, times.stalls) > timeoutMs + DRILL_MARGIN_MS);
  expect(slow).toEqual([]);

  // Before the outage the store decides. (A stall longer than timeoutMs times calls out even
  // on a healthy store, since timers run before I/O when the loop resumes; runDrill starts the
  // outage only with every breaker closed.)
  const before = trace.calls.filter((call) => call.startedAt + call.ms < times.downAt);
  expect(before.filter((call) => call.decidedBy === 'store').length).toBeGreaterThan(0);

  const degraded = trace.calls.filter((call) => call.degraded !== undefined);
  expect(degraded.length).toBeGreaterThan(0);
  const shape = expectedDegraded(trace.kind);
  expect(new Set(degraded.map((call) => `${call.decidedBy} allowed=${call.allowed}`))).toEqual(new Set([`${shape.decidedBy} allowed=${shape.allowed}`]));

  // An open breaker answers without the store: memory-store time. The longest such call is an
  // event-loop or CPU stall on a shared machine, bounded only by timeoutMs.
  const open = trace.calls.filter((call) => call.degraded === 'breaker-open');
  expect(open.length).toBeGreaterThan(0);
  expect(figures.openP99Ms).toBeLessThan(timeoutMs / 10);
  expect(figures.longestOpenMs).toBeLessThan(timeoutMs);

  const moves = trace.breaker.filter((event) => event.at >= times.downAt).map((event) => `${event.from}->${event.to}`);
  expect(moves[0]).toBe('closed->open');
  expect(moves.at(-1)).toBe('half-open->closed');
  expect(figures.recoveryMs).toBeLessThanOrEqual(RECOVERY_BOUND_MS);
  expect(figures.settledMs).toBeLessThanOrEqual(SETTLE_BOUND_MS);
  // Normal again: the store decides every call of the load's last TAIL_CHECK_MS (which starts at
  // least STEADY_MS after the breaker's last move), bar a call that timed out only because this
  // process stalled: less its stalls it took under timeoutMs (when a starved loop resumes, the
  // timeout timer runs before the store's answer is read). On a loaded CI machine such a stall
  // can land in the tail; a store still failing would time calls out without one.
  const tail = trace.calls.filter((call) => call.startedAt >= times.endAt - TAIL_CHECK_MS);
  const stalledOut = (call: Call) => call.degraded === 'timeout' && unstalled(call, times.stalls) < timeoutMs;
  expect(tail.filter((call) => call.decidedBy === 'store').length).toBeGreaterThan(tail.length / 2);
  expect(new Set(tail.filter((call) => !stalledOut(call)).map((call) => `${call.decidedBy} ${call.degraded ?? ''}`))).toEqual(new Set(['store ']));
  return figures;
}
