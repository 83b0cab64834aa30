import {
  concurrency,
  createLimiter,
  fixedWindow,
  leakyBucket,
  MemoryStore,
  type Decision,
  type DecisionEvent,
  type LimiterOptions,
  type PolicyResult,
  type Store,
  type StoreRequest,
} from '@sluice/core';
import { RemoteMemoryStore } from './fixtures/remote-memory-store';

// What a 'decision' listener gets (e.decision): a read-only view of the decision the caller gets.

const T = 1_700_006_400_000;

/** Every field of Decision; the type below fails to compile when Decision gains one not listed. */
const FIELDS = ['allowed', 'limit', 'remaining', 'resetAfterMs', 'retryAfterMs', 'delayMs', 'policy', 'results', 'decidedBy', 'degraded', 'shadow', 'lease'] as const;
type Unlisted = Exclude<keyof Decision, (typeof FIELDS)[number]>;
const everyFieldListed: [Unlisted] extends [never] ? true : never = true;

/** A store without `bind` (the limiter combines its results into a plain Decision object). */
class ResultsStore implements Store {
  readonly algorithms = new MemoryStore().algorithms;
  failing = false;
  private readonly inner = new MemoryStore();
  consume(request: StoreRequest): readonly PolicyResult[] {
    if (this.failing) throw new Error('connection refused');
    return this.inner.consume(request) as readonly PolicyResult[];
  }
  reset(): void {}
}

/** Each kind of decision a limiter returns, with the view its listener saw. */
async function decisionsAndViews(): Promise<Array<{ name: string; decision: Decision; view: Decision }>> {
  const out: Array<{ name: string; decision: Decision; view: Decision }> = [];
  const run = async (name: string, options: LimiterOptions, calls: number, nowMs?: number) => {
    const limiter = createLimiter({ onWarning: () => {}, ...options });
    let view: Decision | undefined;
    limiter.events.on('decision', (e) => {
      view = e.decision;
    });
    let decision: Decision | undefined;
    for (let i = 0; i < calls; i++) decision = await limiter.consume('k', nowMs === undefined ? {} : { nowMs });
    out.push({ name, decision: decision!, view: view! });
  };
  const minute = (limit: number, extra: object = {}) => fixedWindow({ name: `minute-${limit}`, limit, window: '1m', ...extra });
  await run('memory, one policy', { policies: [minute(5)] }, 1, T);
  await run('memory, two policies, denied', { policies: [minute(5), minute(1)] }, 2, T);
  await run('store without bind (plain object)', { store: new ResultsStore(), policies: [minute(5), minute(3)] }, 2, T);
  const failing = new ResultsStore();
  failing.failing = true;
  await run('failure policy (degraded)', { store: failing, policies: [minute(5)], onStoreError: 'allow', breaker: false }, 1);
  await run('mixed shadow', { store: new RemoteMemoryStore(), policies: [minute(3), minute(1, { shadow: true })] }, 2, T);
  await run('whole shadow', { policies: [minute(1)], shadow: true }, 2, T);
  await run('leaky bucket, shaped', { policies: [leakyBucket({ name: 'queue', capacity: 5, leakPerSecond: 1 })] }, 3, T);
  await run('concurrency lease', { policies: [concurrency({ name: 'inflight', limit: 3, leaseMs: '1m' })] }, 1);
  await run('block cache', { store: new RemoteMemoryStore(), policies: [minute(1)] }, 3);
  return out;
}

/** The decision as plain data: each field the decision has (results and shadow as plain objects, the lease by id). */
function plain(decision: Decision): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const value = decision[field];
    if (value === undefined) continue;
    if (field === 'results') fields[field] = decision.results.map((result) => ({ ...result }));
    else if (field === 'shadow') fields[field] = { ...decision.shadow };
    else if (field === 'lease') fields[field] = decision.lease!.id;
    else fields[field] = value;
  }
  return fields;
}

describe('the decision view a listener gets', () => {
  test('is complete: every Decision field, results and shadow as the caller gets them, for every kind of decision', async () => {
    expect(everyFieldListed).toBe(true);
    const cases = await decisionsAndViews();
    expect(cases).toHaveLength(9);
    const seen = new Set<string>();
    for (const { name, decision, view } of cases) {
      expect(view).not.toBe(decision);
      expect({ name, fields: plain(view) }).toEqual({ name, fields: plain(decision) });
      expect(view.results.length).toBeGreaterThan(0);
      for (const field of FIELDS) if (decision[field] !== undefined) seen.add(field);
    }
    // The cases between them set every field, the optional ones included.
    expect([...seen].sort()).toEqual([...FIELDS].sort());
    const byName = new Map(cases.map((each) => [each.name, each]));
    expect(byName.get('failure policy (degraded)')!.view).toMatchObject({ decidedBy: 'failure-policy', degraded: 'store-error' });
    expect(byName.get('mixed shadow')!.view.shadow).toMatchObject({ allowed: false, policy: 'minute-1' });
    expect(byName.get('leaky bucket, shaped')!.view.delayMs).toBeGreaterThan(0);
    expect(byName.get('block cache')!.view).toMatchObject({ allowed: false, decidedBy: 'block-cache' });
  });

  test('JSON.stringify gives the decision with its results; a spread gives its own fields, results aside', async () => {
    const cases = await decisionsAndViews();
    expect(cases.length).toBeGreaterThan(0);
    for (const { name, decision, view } of cases) {
      const json = JSON.parse(JSON.stringify(view)) as Record<string, unknown>;
      const expected = plain(decision);
      if (decision.lease !== undefined) {
        expect(json.lease).toEqual({ id: decision.lease.id, leaseMs: 60_000, released: false });
        json.lease = decision.lease.id;
      }
      expect({ name, json }).toEqual({ name, json: expected });
      const spread: Record<string, unknown> = { ...view };
      expect(spread.results).toBeUndefined();
      expect(Object.keys(spread).sort()).toEqual(Object.keys(expected).filter((field) => field !== 'results').sort());
      // A structured clone (postMessage to a worker) takes the same own fields.
      if (decision.lease === undefined) expect(structuredClone(view)).toEqual(spread);
    }
  });

  test('is read-only: assignments throw in strict mode and reach neither the view nor the decision', async () => {
    const cases = await decisionsAndViews();
    expect(cases.length).toBeGreaterThan(0);
    for (const { name, decision, view } of cases) {
      const before = plain(decision);
      const viewBefore = plain(view);
      const writable = view as unknown as Record<string, unknown>;
      const attempts: Array<[string, () => void]> = [
        ...FIELDS.map((field): [string, () => void] => [field, () => (writable[field] = 'changed')]),
        ['a new field', () => (writable.extra = 1)],
        ['delete', () => delete writable.allowed],
        ['defineProperty', () => Object.defineProperty(view, 'allowed', { value: !view.allowed })],
        ['results[0].allowed', () => ((view.results[0] as { allowed: boolean }).allowed = !view.results[0]!.allowed)],
        ['results[0].remaining', () => ((view.results[0] as { remaining: number }).remaining = 1e9)],
        ['results.length', () => ((view.results as PolicyResult[]).length = 0)],
        ['results.push', () => (view.results as PolicyResult[]).push(view.results[0]!)],
        ['results[0] replaced', () => ((view.results as PolicyResult[])[0] = { ...view.results[0]!, allowed: true })],
      ];
      if (view.shadow !== undefined) attempts.push(['shadow.allowed', () => ((view.shadow as { allowed: boolean }).allowed = !view.shadow!.allowed)]);
      if (view.lease !== undefined) {
        attempts.push(['lease.release', () => ((view.lease as { release: unknown }).release = () => Promise.resolve())]);
        attempts.push(['lease.id', () => ((view.lease as { id: string }).id = 'other')]);
      }
      const failures = attempts.map(([what, attempt]) => {
        try {
          attempt();
          return `${name}: ${what} did not throw`;
        } catch (error) {
          return error instanceof TypeError ? undefined : `${name}: ${what} threw ${String(error)}`;
        }
      });
      expect(failures.filter((failure) => failure !== undefined)).toEqual([]);
      expect(plain(decision)).toEqual(before);
      expect(plain(view)).toEqual(viewBefore);
      expect(Object.isFrozen(view)).toBe(true);
      expect(Object.isFrozen(view.results)).toBe(true);
      expect(view.results.every((result) => Object.isFrozen(result))).toBe(true);
      if (view.shadow !== undefined) expect(Object.isFrozen(view.shadow)).toBe(true);
      if (view.lease !== undefined) expect(Object.isFrozen(view.lease)).toBe(true);
    }
  });

  test('in sloppy mode assignments are ignored', async () => {
    const { decision, view } = (await decisionsAndViews())[0]!;
    const before = plain(decision);
    // A Function body is sloppy code (this file is a module: strict).
    const sloppy = new Function('view', 'view.allowed = !view.allowed; view.results[0].remaining = -1; view.results.length = 0; view.extra = 1; delete view.policy; return view.extra;');
    expect(sloppy(view)).toBeUndefined();
    expect(plain(view)).toEqual(before);
    expect(plain(decision)).toEqual(before);
  });

  test('results are copies, made once, on first read; the lease view acts on the caller lease', async () => {
    const limiter = createLimiter({ policies: [fixedWindow({ limit: 5, window: '1m' }), concurrency({ name: 'inflight', limit: 1, leaseMs: '1m' })] });
    const events: DecisionEvent[] = [];
    limiter.events.on('decision', (e) => events.push(e));
    const decision = await limiter.consume('k');
    const view = events[0]!.decision;
    expect(view.results).toBe(view.results);
    expect(view.results).not.toBe(decision.results);
    expect(view.results.map((result, i) => result !== decision.results[i])).toEqual([true, true]);
    expect(view.lease).not.toBe(decision.lease);
    expect((await limiter.consume('k')).allowed).toBe(false);
    await view.lease!.release();
    expect(decision.lease!.released).toBe(true);
    expect(view.lease!.released).toBe(true);
    expect((await limiter.consume('k')).allowed).toBe(true);
  });
});
