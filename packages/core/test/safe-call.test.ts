import { callSafely } from '@sluice/core';

// Jest hides process-level unhandledRejection events from tests, so each case asserts where the
// failure went instead: to onFailure, or (when onFailure fails too) to a process warning.
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A promise look-alike whose `then` throws: what a broken logging client could hand back. */
function hostileThenable(): unknown {
  // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is exactly what the guard must survive
  return { then() { throw new Error('hostile thenable'); } };
}

describe('callSafely', () => {
  let warnings: jest.SpyInstance;
  beforeEach(() => {
    warnings = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  });
  afterEach(() => warnings.mockRestore());

  const failures: Array<[string, (arg: number) => unknown]> = [
    ['throws', () => { throw new Error('sync'); }],
    ['rejects', async () => { throw new Error('async'); }],
    ['returns a thenable whose then throws', hostileThenable],
    ['throws a value that cannot be printed', () => { throw new Proxy({}, { get() { throw new Error('no reads'); }, getPrototypeOf() { throw new Error('no proto'); } }); }],
    ['rejects with nothing', () => Promise.reject()],
  ];

  test.each(failures)('a hook that %s hands its error to onFailure', async (_, hook) => {
    const seen: unknown[] = [];
    expect(() => callSafely(hook, 1, (error) => seen.push(error))).not.toThrow();
    await nextTurn();
    expect(seen).toHaveLength(1);
    expect(warnings).not.toHaveBeenCalled();
  });

  test.each(failures)('a hook that %s, with an onFailure that fails too, ends as one process warning', async (_, hook) => {
    for (const onFailure of [() => { throw new Error('handler'); }, async () => { throw new Error('handler'); }, hostileThenable]) {
      warnings.mockClear();
      expect(() => callSafely(hook, 1, onFailure)).not.toThrow();
      await nextTurn();
      expect(warnings).toHaveBeenCalledTimes(1);
      expect(warnings.mock.calls[0]![1]).toMatchObject({ code: 'SLUICE_CALLBACK_THREW' });
    }
  });

  test('a hook that succeeds gets its argument and nothing is reported', async () => {
    const args: number[] = [];
    const seen: unknown[] = [];
    callSafely((arg: number) => args.push(arg), 7, (error) => seen.push(error));
    callSafely(async (arg: number) => args.push(arg), 8, (error) => seen.push(error));
    await nextTurn();
    expect(args).toEqual([7, 8]);
    expect(seen).toEqual([]);
    expect(warnings).not.toHaveBeenCalled();
  });
});
