// The load-shedding bench's kit: a resource whose latency rises with concurrency, and an
// open-loop load generator. packages/core/test/shedding-load-kit.ts is its twin for jest.
import { Agent, request } from 'node:http';

/** `slots` requests are served at once, each taking `serviceMs`; the rest wait in FIFO order. */
export class SimulatedResource {
  #busy = 0;
  #waiting = [];
  constructor(slots, serviceMs) {
    this.slots = slots;
    this.serviceMs = serviceMs;
  }

  /** Requests holding or waiting for a slot: the concurrency the resource sees. */
  get load() {
    return this.#busy + this.#waiting.length;
  }

  async use() {
    if (this.#busy < this.slots) this.#busy += 1;
    else await new Promise((resolve) => this.#waiting.push(resolve)); // the slot passes on to us
    try {
      await new Promise((resolve) => setTimeout(resolve, this.serviceMs));
    } finally {
      const next = this.#waiting.shift();
      if (next === undefined) this.#busy -= 1;
      else next();
    }
  }
}

/** One in ten requests is critical, four sheddable, five normal: a fixed cycle, so runs compare. */
const MIX = ['critical', 'sheddable', 'normal', 'sheddable', 'normal', 'sheddable', 'normal', 'sheddable', 'normal', 'normal'];

/**
 * Sends requests at each phase's rate ({ label, rps, durationMs }) whatever the answers do (open
 * loop), priority in `x-priority`; each gives up after `timeoutMs` (status 0). Resolves with one
 * sample per request, { phase, priority, sentMs (since the start), status, latencyMs }.
 */
export async function openLoop(url, phases, timeoutMs) {
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const samples = [];
  const pending = [];
  const origin = performance.now();
  let sent = 0;
  const send = (phase) => {
    const priority = MIX[sent % MIX.length];
    sent += 1;
    const started = performance.now();
    pending.push(
      new Promise((resolve) => {
        let done = false;
        const finish = (status) => {
          if (done) return;
          done = true;
          samples.push({ phase, priority, sentMs: started - origin, status, latencyMs: performance.now() - started });
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

export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
