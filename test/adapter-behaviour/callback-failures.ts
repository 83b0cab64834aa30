// Item: no user callback may crash the process. Every callback × {sync throw, async rejection}:
// before the response the error reaches the framework's error handler (500 here, from each
// harness's handler); after it (refund) it reaches onCallbackError. An error that escaped into
// the event loop (uncaughtException / unhandledRejection) fails the running test: Jest's sandbox
// reports both for the test in progress, and each case waits until its error was delivered.
import { ErrorCodes, InvalidOptionError, fixedWindow, type PolicyResult, type StoreRequest } from '@sluice/core';
import { ON_LIMITED_FAILURE, type AdapterHarness, type RequestLike, type SharedOptions } from './harness.js';
import { FakeClockStore } from './test-stores.js';
import { useApps } from './use-apps.js';

const FAILURE = 'callback failed';
const minute = (limit: number) => fixedWindow({ name: 'minute', limit, window: '1m' });

type Failing = <T>() => T | Promise<T>;
const failures: Record<'sync throw' | 'async rejection', Failing> = {
  'sync throw': () => {
    throw new Error(FAILURE);
  },
  'async rejection': () => Promise.reject(new Error(FAILURE)),
};

/** A store that answers, but whose refunds fail the way a store bug would (the limiter rethrows those). */
class RefundRefusingStore extends FakeClockStore {
  override consume(request: StoreRequest): PolicyResult[] {
    if (request.mode === 'refund') throw new InvalidOptionError('mode', request.mode, 'a mode this store takes');
    return super.consume(request);
  }
}

/** Resolves with the first error handed to onCallbackError. */
function errorCatcher(): { onCallbackError: (error: unknown) => void; caught: Promise<unknown> } {
  let deliver!: (error: unknown) => void;
  const caught = new Promise<unknown>((resolve) => (deliver = resolve));
  return { onCallbackError: (error) => deliver(error), caught };
}

export function runCallbackFailures(harness: AdapterHarness): void {
  describe(`${harness.name}: a failing user callback never crashes the process`, () => {
    const { build, clock } = useApps(harness);

    const beforeResponse: Array<[string, (fail: Failing) => Partial<SharedOptions>]> = [
      ['key', (fail) => ({ key: fail })],
      ['cost', (fail) => ({ cost: fail })],
      ['skip', (fail) => ({ skip: fail })],
      ['policies', (fail) => ({ policies: fail as never })],
    ];

    for (const [kind, fail] of Object.entries(failures)) {
      for (const [callback, options] of beforeResponse) {
        it(`${callback}: ${kind} → the framework's error handler, the route never runs`, async () => {
          const app = await build({ global: { store: clock(), policies: [minute(5)], ...options(fail) } });
          const response = await app.request({ path: '/', headers: { 'x-request-id': 'one' } });
          expect(response.status).toBe(500);
          expect(response.body.message).toBe(FAILURE);
          expect(app.events.entries).toContain('error unknown');
          expect(app.events.entries).not.toContain('handled one');
        });
      }

      it(`refund: ${kind} → onCallbackError after the response, which stays 200`, async () => {
        const { onCallbackError, caught } = errorCatcher();
        const app = await build({ global: { store: clock(), policies: [minute(5)], refund: fail, onCallbackError } });
        expect((await app.request({ path: '/' })).status).toBe(200);
        expect(await caught).toMatchObject({ message: FAILURE });
      });
    }

    for (const spec of ['throw', 'reject'] as const) {
      it(`onLimited: ${spec === 'throw' ? 'sync throw' : 'async rejection'} → the framework's error handler`, async () => {
        const app = await build({ global: { store: clock(), policies: [minute(1)], onLimited: spec } });
        expect((await app.request({ path: '/' })).status).toBe(200);
        const denied = await app.request({ path: '/' });
        expect(denied.status).toBe(500);
        expect(denied.body.message).toBe(ON_LIMITED_FAILURE);
      });
    }

    it("the refund's own limiter call failing goes to onCallbackError", async () => {
      const { onCallbackError, caught } = errorCatcher();
      const app = await build({ global: { store: new RefundRefusingStore(), policies: [minute(5)], refund: () => true, onCallbackError } });
      expect((await app.request({ path: '/' })).status).toBe(200);
      expect(await caught).toMatchObject({ code: ErrorCodes.INVALID_OPTION, option: 'mode' });
    });

    it('a throwing onCallbackError is swallowed too (the default reports through onWarning)', async () => {
      const warned = errorCatcher();
      const throwing = await build({
        global: {
          store: clock(),
          policies: [minute(5)],
          refund: () => {
            throw new Error(FAILURE);
          },
          onCallbackError: () => {
            throw new Error('the error hook failed as well');
          },
        },
      });
      expect((await throwing.request({ path: '/' })).status).toBe(200);
      const reporting = await build({
        global: { store: clock(), policies: [minute(5)], refund: failures['async rejection'], onWarning: warned.onCallbackError },
      });
      expect((await reporting.request({ path: '/' })).status).toBe(200);
      expect(await warned.caught).toMatchObject({ code: 'SLUICE_CALLBACK_THREW', message: expect.stringContaining(FAILURE) });
      expect((await throwing.request({ path: '/' })).status).toBe(200);
    });

    const badCosts: Array<[string, (req: RequestLike) => unknown]> = [
      ['0', () => 0],
      ['1.5 (async)', async () => 1.5],
      ['NaN', () => Number.NaN],
      ['a string', () => '2'],
    ];
    for (const [name, cost] of badCosts) {
      it(`cost() returning ${name} → a typed error in the framework's error handler`, async () => {
        const app = await build({ global: { store: clock(), policies: [minute(5)], cost: cost as () => number } });
        const response = await app.request({ path: '/', headers: { 'x-request-id': 'bad' } });
        expect(response.status).toBe(500);
        expect(response.body.error).toBe(ErrorCodes.INVALID_OPTION);
        expect(app.events.entries).not.toContain('handled bad');
      });
    }
  });
}
