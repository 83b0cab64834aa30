// No user callback may crash the process: the failing-callback matrix (callback-cases.ts) in
// Jest, plus bad cost values. An error that escaped into the event loop would also fail the
// running test (Jest reports both uncaught exceptions and unhandled rejections); the
// process-survival test runs the same matrix in a child process with its own listeners.
import { ErrorCodes, fixedWindow } from '@sluice/core';
import { callbackCases, runCallbackCase } from './callback-cases.js';
import type { AdapterHarness, RequestLike } from './harness.js';
import { useApps } from './use-apps.js';

export function runCallbackFailures(harness: AdapterHarness): void {
  describe(`${harness.name}: a failing user callback never crashes the process`, () => {
    const { build, clock } = useApps(harness);

    for (const testCase of callbackCases()) {
      const where = testCase.expect.status === 500 ? "the framework's error handler" : 'onCallbackError after a 200';
      it(`${testCase.name} → ${where}`, async () => {
        const result = await runCallbackCase(harness, testCase);
        if ('reported' in testCase.expect) {
          expect(result).toMatchObject({ status: 200, handled: true });
          expect(result.reported).toMatchObject(testCase.expect.reported);
        } else {
          expect(result).toMatchObject({ status: 500, message: testCase.expect.message, handled: false });
        }
      });
    }

    const badCosts: Array<[string, (req: RequestLike) => unknown]> = [
      ['0', () => 0],
      ['1.5 (async)', async () => 1.5],
      ['NaN', () => Number.NaN],
      ['a string', () => '2'],
    ];
    for (const [name, cost] of badCosts) {
      it(`cost() returning ${name} → a typed error in the framework's error handler`, async () => {
        const minute = fixedWindow({ name: 'minute', limit: 5, window: '1m' });
        const app = await build({ global: { store: clock(), policies: [minute], cost: cost as () => number } });
        const response = await app.request({ path: '/', headers: { 'x-request-id': 'bad' } });
        expect(response.status).toBe(500);
        expect(response.body.error).toBe(ErrorCodes.INVALID_OPTION);
        expect(app.events.entries).not.toContain('handled bad');
      });
    }
  });
}
