import { Deadlines } from '../src/limiter/deadlines';

function later<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}
const never = new Promise<never>(() => undefined);

describe('Deadlines: one timer bounds every pending store call', () => {
  test('a call that answers in time keeps its answer or its error', async () => {
    const deadlines = new Deadlines(1_000);
    await expect(deadlines.race(Promise.resolve(7))).resolves.toBe(7);
    await expect(deadlines.race(Promise.reject(new Error('down')))).rejects.toThrow('down');
  });

  test('calls that never answer reject with ERR_SLUICE_STORE_TIMEOUT; the ones that answered are untouched', async () => {
    const deadlines = new Deadlines(30);
    const outcomes = await Promise.allSettled([
      deadlines.race(never),
      deadlines.race(later(1, 'fast')),
      deadlines.race(never),
      deadlines.race(Promise.resolve('now')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled', 'rejected', 'fulfilled']);
    for (const outcome of outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')) {
      expect(outcome.reason).toMatchObject({ code: 'ERR_SLUICE_STORE_TIMEOUT', timeoutMs: 30 });
    }
  });

  test('calls started later get their own full timeout (the timer re-arms for the oldest pending one)', async () => {
    const deadlines = new Deadlines(40);
    const first = deadlines.race(never);
    await later(25, undefined);
    // Started 25 ms later: still pending when the first one times out, answers before its own deadline.
    const second = deadlines.race(later(30, 'second'));
    await expect(first).rejects.toMatchObject({ code: 'ERR_SLUICE_STORE_TIMEOUT' });
    await expect(second).resolves.toBe('second');
  });

  test('an answer after the timeout is ignored, and nothing keeps a timer once no call is pending', async () => {
    const deadlines = new Deadlines(10);
    const slow = deadlines.race(later(40, 'too late'));
    await expect(slow).rejects.toMatchObject({ code: 'ERR_SLUICE_STORE_TIMEOUT' });
    await deadlines.race(Promise.resolve(1));
    expect((deadlines as unknown as { timer: unknown }).timer).toBeUndefined();
  });
});
