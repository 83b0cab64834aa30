// Shared cases for the loadShedding middleware of every adapter, against a real server on
// 127.0.0.1. Each adapter test supplies `start`, which builds its app with these routes:
//   GET /hold?id=X  waits in the handler until the test opens gate X, then 200
//   GET /ok         200 at once
//   GET /throw      the handler throws (the framework answers 500)
//   GET /destroy    the handler destroys the socket (no response at all)
// and `priority` per ShedApp.priority: from the x-priority header, a throwing callback, or a bad value.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AdaptiveLimiter, ErrorCodes, InvalidOptionError, type LoadSheddingOptions, PROBLEM_CONTENT_TYPE, type Priority, ProblemTypes, createAdaptiveLimiter } from '@sluice/core';

export type PriorityMode = 'header' | 'throw' | 'bad';

export interface ShedAppSpec {
  options: Omit<LoadSheddingOptions<unknown>, 'priority'>;
  priority: PriorityMode;
  gates: Gates;
}

export interface ShedApp {
  url: string;
  close(): Promise<void>;
}

/** A started Node server (Express's or Koa's listen(0, '127.0.0.1')) as a ShedApp; close() drops open connections. */
export async function listening(server: Server): Promise<ShedApp> {
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Handlers that wait for the test, so it controls how many requests are in flight. */
export class Gates {
  private readonly open = new Map<string, () => void>();
  private readonly arrivals = new Map<string, () => void>();
  private readonly arrived = new Set<string>();

  /** Called by the /hold handler. */
  hold(id: string): Promise<void> {
    this.arrived.add(id);
    this.arrivals.get(id)?.();
    return new Promise((resolve) => this.open.set(id, resolve));
  }

  whenArrived(id: string): Promise<void> {
    if (this.arrived.has(id)) return Promise.resolve();
    return new Promise((resolve) => this.arrivals.set(id, resolve));
  }

  release(id: string): void {
    const resolve = this.open.get(id);
    if (resolve === undefined) throw new Error(`no request is held as ${id}`);
    resolve();
  }
}

/** The priority callback each adapter builds for a mode, given how it reads a request header. */
export function priorityFor<Req>(mode: PriorityMode, header: (req: Req) => string | undefined): (req: Req) => Priority {
  if (mode === 'throw') {
    return () => {
      throw new Error('priority lookup failed');
    };
  }
  if (mode === 'bad') return () => 'urgent' as Priority;
  return (req) => (header(req) ?? 'normal') as Priority;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  // Close events trail the response the client already read; poll briefly for them.
  for (let i = 0; i < 400; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function fixed(limit: number, criticalReserve = 0, sheddableReserve = criticalReserve): AdaptiveLimiter {
  return createAdaptiveLimiter({ minLimit: limit, initialLimit: limit, maxLimit: limit, criticalReserve, sheddableReserve });
}

export function describeLoadShedding(name: string, start: (spec: ShedAppSpec) => Promise<ShedApp>, construct: (options: object) => unknown): void {
  describe(`${name} loadShedding`, () => {
    let app: ShedApp | undefined;
    afterEach(async () => {
      await app?.close();
      app = undefined;
    });

    async function startWith(limiter: AdaptiveLimiter, priority: PriorityMode = 'header', extra: object = {}): Promise<{ url: string; gates: Gates }> {
      const gates = new Gates();
      app = await start({ options: { limiter, ...extra }, priority, gates });
      return { url: app.url, gates };
    }

    function get(url: string, path: string, priority?: string, signal?: AbortSignal): Promise<Response> {
      return fetch(`${url}${path}`, { headers: priority === undefined ? {} : { 'x-priority': priority }, signal });
    }

    test('a full limit sheds with 503, Retry-After and a problem body; the slots come back when responses finish', async () => {
      const limiter = fixed(2);
      const { url, gates } = await startWith(limiter, 'header', { retryAfter: '2s' });
      const held = ['a', 'b'].map((id) => get(url, `/hold?id=${id}`));
      await Promise.all(['a', 'b'].map((id) => gates.whenArrived(id)));
      expect(limiter.inFlight).toBe(2);

      const shed = await get(url, '/ok');
      expect(shed.status).toBe(503);
      expect(shed.headers.get('retry-after')).toBe('2');
      expect(shed.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE); // the same in all three adapters
      expect(await shed.json()).toMatchObject({ type: ProblemTypes.TEMPORARY_REDUCED_CAPACITY, status: 503, priority: 'normal', retryAfter: 2 });

      gates.release('a');
      gates.release('b');
      const answers = await Promise.all(held);
      expect(answers.map((r) => r.status)).toEqual([200, 200]);
      await until(() => limiter.inFlight === 0, 'both slots to be released');
      expect((await get(url, '/ok')).status).toBe(200);
      await until(() => limiter.inFlight === 0, 'the last slot');
      expect(limiter.stats()).toMatchObject({ admitted: { normal: 3 }, shed: { normal: 1 } });
    });

    test('under pressure sheddable goes first, then normal; critical still passes', async () => {
      // Limit 10: normal may fill 8, sheddable 5.
      const limiter = fixed(10, 0.2, 0.5);
      const { url, gates } = await startWith(limiter);
      const ids = Array.from({ length: 5 }, (_, i) => `s${i}`);
      const held = ids.map((id) => get(url, `/hold?id=${id}`, 'sheddable'));
      await Promise.all(ids.map((id) => gates.whenArrived(id)));
      expect((await get(url, '/ok', 'sheddable')).status).toBe(503);
      expect((await get(url, '/ok', 'normal')).status).toBe(200);

      const more = ['n0', 'n1', 'n2'];
      held.push(...more.map((id) => get(url, `/hold?id=${id}`, 'normal')));
      await Promise.all(more.map((id) => gates.whenArrived(id)));
      expect((await get(url, '/ok', 'normal')).status).toBe(503);
      const critical = await Promise.all([get(url, '/ok', 'critical'), get(url, '/ok', 'critical')]);
      expect(critical.map((r) => r.status)).toEqual([200, 200]);

      for (const id of [...ids, ...more]) gates.release(id);
      expect((await Promise.all(held)).map((r) => r.status)).toEqual(Array(8).fill(200));
      await until(() => limiter.inFlight === 0, 'every slot');
      expect(limiter.stats().shed).toEqual({ critical: 0, normal: 1, sheddable: 1 });
    });

    test('every exit path releases the slot: a thrown handler, a destroyed socket, a client that leaves', async () => {
      const limiter = fixed(4);
      const { url, gates } = await startWith(limiter);

      expect((await get(url, '/throw')).status).toBe(500);
      await until(() => limiter.inFlight === 0, 'the slot after a thrown handler');

      await expect(get(url, '/destroy')).rejects.toThrow();
      // Koa's handler returned; Express's and Fastify's never answer: the 1 s grace period frees it.
      await until(() => limiter.inFlight === 0, 'the slot after a destroyed socket');

      const controller = new AbortController();
      const leaving = get(url, '/hold?id=gone', undefined, controller.signal);
      await gates.whenArrived('gone');
      expect(limiter.inFlight).toBe(1);
      controller.abort();
      await expect(leaving).rejects.toThrow();
      // The slot is held until the handler is done, not until the client leaves (handler-done.test.ts).
      expect(limiter.inFlight).toBe(1);
      gates.release('gone');
      await until(() => limiter.inFlight === 0, 'the slot once the handler of the client that left ended');

      expect(limiter.stats().admitted.normal).toBe(3);
    });

    test.each(['throw', 'bad'] as const)('a priority callback that fails (%s) reaches the error handler and takes no slot', async (mode) => {
      const limiter = fixed(4);
      const { url } = await startWith(limiter, mode);
      expect((await get(url, '/ok')).status).toBe(500);
      expect(limiter.inFlight).toBe(0);
      expect(limiter.stats().admitted).toEqual({ critical: 0, normal: 0, sheddable: 0 });
    });

    test('bad options throw InvalidOptionError naming the option', async () => {
      for (const [options, option] of [
        [{ minLimit: 0 }, 'minLimit'],
        [{ priority: 'high' }, 'priority'],
        [{ retryAfter: -1 }, 'retryAfter'],
      ] as const) {
        let thrown: unknown;
        try {
          await construct(options);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(InvalidOptionError);
        expect(thrown).toMatchObject({ option, code: ErrorCodes.INVALID_OPTION });
      }
    });
  });
}
