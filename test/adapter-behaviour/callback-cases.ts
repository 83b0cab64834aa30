// The failing-callback matrix, as data: every user callback × {sync throw, async rejection},
// plus failures after the response. Run by the Jest table (callback-failures.ts) and by a
// child process that listens for uncaughtException / unhandledRejection (process-survival).
import { InvalidOptionError, fixedWindow, type PolicyResult, type StoreRequest } from '@sluice/core';
import { ON_LIMITED_FAILURE, type AdapterHarness, type SharedOptions } from './harness.js';
import { FakeClockStore } from './test-stores.js';

export const CALLBACK_FAILURE = 'callback failed';
const minute = (limit: number) => fixedWindow({ name: 'minute', limit, window: '1m' });

type Failing = <T>() => T | Promise<T>;
const failures: Record<'sync throw' | 'async rejection', Failing> = {
  'sync throw': () => {
    throw new Error(CALLBACK_FAILURE);
  },
  'async rejection': () => Promise.reject(new Error(CALLBACK_FAILURE)),
};

/** A store that answers, but whose refunds fail the way a store bug would (the limiter rethrows those). */
class RefundRefusingStore extends FakeClockStore {
  override consume(request: StoreRequest): PolicyResult[] {
    if (request.mode === 'refund') throw new InvalidOptionError('mode', request.mode, 'a mode this store takes');
    return super.consume(request);
  }
}

export interface CallbackCase {
  name: string;
  /** `report` is the case's onCallbackError (or onWarning, for the default reporting). */
  options(store: FakeClockStore, report: (error: unknown) => void): SharedOptions;
  /** Admitted requests before the one that shows the failure (onLimited needs a denial). */
  warmUp: number;
  /** 'error handler': a 500 from the harness's handler with the error's message; 'reported': a 200 and `report` called. */
  expect: { status: 500; message: string } | { status: 200; reported: Record<string, unknown> };
  /** A fresh store of this kind per run. */
  store?: () => FakeClockStore;
}

/** `key`, `cost`, `skip` and `policies` failing with `fail`: each must reach the framework's error handling. */
function beforeResponseCases(kind: string, fail: Failing, expect: { status: 500; message: string }): CallbackCase[] {
  return (['key', 'cost', 'skip', 'policies'] as const).map((callback) => {
    const options = callback === 'policies' ? { policies: fail as never } : { policies: [minute(5)], [callback]: fail };
    return { name: `${callback}: ${kind}`, options: (store) => ({ store, ...options }), warmUp: 0, expect };
  });
}

export function callbackCases(): CallbackCase[] {
  const cases: CallbackCase[] = [];
  const beforeResponse = { status: 500, message: CALLBACK_FAILURE } as const;
  for (const [kind, fail] of Object.entries(failures)) {
    cases.push(...beforeResponseCases(kind, fail, beforeResponse));
    cases.push({
      name: `refund: ${kind}`,
      options: (store, report) => ({ store, policies: [minute(5)], refund: fail, onCallbackError: report }),
      warmUp: 0,
      expect: { status: 200, reported: { message: CALLBACK_FAILURE } },
    });
  }
  // Express and Fastify read next(undefined) / next(null) as "carry on": such a throw must not skip the limiter.
  const notErrors: Array<[string, Failing]> = [
    ['throws undefined', () => { throw undefined; }],
    ['rejects with null', () => Promise.reject(null)],
  ];
  for (const [kind, fail] of notErrors) {
    const shown = kind === 'throws undefined' ? 'undefined' : 'null';
    cases.push(...beforeResponseCases(kind, fail, { status: 500, message: `A rate-limit callback failed with a value that is not an Error: ${shown}` }));
  }
  for (const [spec, kind] of [['throw', 'sync throw'], ['reject', 'async rejection']] as const) {
    cases.push({
      name: `onLimited: ${kind}`,
      options: (store) => ({ store, policies: [minute(1)], onLimited: spec }),
      warmUp: 1,
      expect: { status: 500, message: ON_LIMITED_FAILURE },
    });
  }
  cases.push({
    name: "refund's own limiter call fails",
    store: () => new RefundRefusingStore(),
    options: (store, report) => ({ store, policies: [minute(5)], refund: () => true, onCallbackError: report }),
    warmUp: 0,
    expect: { status: 200, reported: { code: 'ERR_SLUICE_INVALID_OPTION', option: 'mode' } },
  });
  cases.push({
    name: 'refund rejects, onCallbackError unset: reported through onWarning',
    options: (store, report) => ({ store, policies: [minute(5)], refund: failures['async rejection'], onWarning: report }),
    warmUp: 0,
    expect: { status: 200, reported: { code: 'SLUICE_CALLBACK_THREW' } },
  });
  cases.push({
    name: 'refund throws and onCallbackError throws too',
    options: (store, report) => ({
      store,
      policies: [minute(5)],
      refund: failures['sync throw'],
      onCallbackError: (error) => {
        report(error);
        throw new Error('the error hook failed as well');
      },
    }),
    warmUp: 0,
    expect: { status: 200, reported: { message: CALLBACK_FAILURE } },
  });
  cases.push({
    name: 'refund throws and an async onCallbackError rejects',
    options: (store, report) => ({
      store,
      policies: [minute(5)],
      refund: failures['sync throw'],
      onCallbackError: async (error) => {
        report(error);
        throw new Error('the async error hook failed as well');
      },
    }),
    warmUp: 0,
    expect: { status: 200, reported: { message: CALLBACK_FAILURE } },
  });
  cases.push({
    name: 'refund rejects, onCallbackError unset, an async onWarning rejects',
    options: (store, report) => ({
      store,
      policies: [minute(5)],
      refund: failures['async rejection'],
      onWarning: (warning) => {
        report(warning);
        return Promise.reject(new Error('the async warning sink failed'));
      },
    }),
    warmUp: 0,
    expect: { status: 200, reported: { code: 'SLUICE_CALLBACK_THREW' } },
  });
  return cases;
}

export interface CaseResult {
  status: number;
  message?: string;
  reported?: unknown;
  /** The route ran (it must not, when the error went to the error handler). */
  handled: boolean;
}

/** Runs one case against a freshly built app and closes it. */
export async function runCallbackCase(harness: AdapterHarness, testCase: CallbackCase): Promise<CaseResult> {
  let deliver!: (error: unknown) => void;
  const reported = new Promise<unknown>((resolve) => (deliver = resolve));
  const store = testCase.store?.() ?? new FakeClockStore();
  const app = await harness.build({ global: testCase.options(store, (error) => deliver(error)) });
  try {
    for (let i = 0; i < testCase.warmUp; i++) await app.request({ path: '/' });
    const response = await app.request({ path: '/', headers: { 'x-request-id': 'probe' } });
    const result: CaseResult = { status: response.status, handled: app.events.entries.includes('handled probe') };
    if (response.body?.message !== undefined) result.message = response.body.message;
    if ('reported' in testCase.expect) result.reported = await reported;
    return result;
  } finally {
    await app.close();
    store.close();
  }
}
