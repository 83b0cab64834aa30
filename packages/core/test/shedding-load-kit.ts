// A service whose latency rises with concurrency, and an open-loop load generator, for the
// load-shedding load tests. bench/shedding-kit.mjs is the same kit for the longer bench run.
import { Agent, request } from 'node:http';
import type { Priority } from '@sluice/core';

/** `slots` requests are served at once, each taking `serviceMs`; the rest wait in FIFO order. */
export class SimulatedResource {
  private busy = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(
    readonly slots: number,
    readonly serviceMs: number,
  ) {}

  async use(): Promise<void> {
    if (this.busy < this.slots) this.busy += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve)); // the slot passes on to us
    try {
      await new Promise((resolve) => setTimeout(resolve, this.serviceMs));
    } finally {
      const next = this.waiting.shift();
      if (next === undefined) this.busy -= 1;
      else next();
    }
  }
}

export interface Phase {
  label: string;
  rps: number;
  durationMs: number;
}

export interface Sample {
  phase: string;
  priority: Priority;
  /** 0 when the request failed or timed out. */
  status: number;
  latencyMs: number;
}

/** One in ten requests is critical, four sheddable, five normal: a fixed cycle, so runs compare. */
const MIX: readonly Priority[] = ['critical', 'sheddable', 'normal', 'sheddable', 'normal', 'sheddable', 'normal', 'sheddable', 'normal', 'normal'];

/**
 * Sends requests at each phase's rate regardless of how fast answers come back (open loop:
 * overload piles up as it would with real users), with the priority in `x-priority`.
 * Each request gives up after `timeoutMs`. Resolves when every request has settled.
 */
export async function openLoop(url: string, phases: readonly Phase[], timeoutMs: number): Promise<Sample[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const samples: Sample[] = [];
  const pending: Promise<void>[] = [];
  let sent = 0;
  const send = (phase: string) => {
    const priority = MIX[sent % MIX.length] as Priority;
    sent += 1;
    const started = performance.now();
    pending.push(
      new Promise<void>((resolve) => {
        const finish = (status: number) => {
          samples.push({ phase, priority, status, latencyMs: performance.now() - started });
          resolve();
        };
        const req = request(url, { agent, headers: { 'x-priority': priority }, timeout: timeoutMs }, (res) => {
          res.resume();
          res.on('end', () => finish(res.statusCode ?? 0));
          res.on('error', () => finish(0));
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', () => finish(0));
        req.end();
      }),
    );
  };
  for (const phase of phases) {
    const start = performance.now();
    let due = 0;
    // A tick every 5 ms sends what the rate owes by now, so a late timer catches up.
    while (performance.now() - start < phase.durationMs) {
      const owed = Math.floor(((performance.now() - start) * phase.rps) / 1000) - due;
      for (let i = 0; i < owed; i++) send(phase.label);
      due += owed;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  await Promise.all(pending);
  agent.destroy();
  return samples;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}
