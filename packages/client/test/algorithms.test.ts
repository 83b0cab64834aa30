import fc from 'fast-check';
import { backoffDelayMs, RetryBudget } from '@sluice/client';

const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

test('full jitter stays in [0, min(cap, base * 2^attempt))', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 100_000 }), unit, (attempt, base, cap, r) => {
      const delay = backoffDelayMs(attempt, base, base, cap, 'full', () => r);
      return delay >= 0 && delay < Math.max(Number.MIN_VALUE, Math.min(cap, base * 2 ** attempt)) + 1e-9 && Number.isFinite(delay);
    }),
  );
});

test('decorrelated jitter stays in [base, min(cap, 3 * previous)] (never above cap)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 1_000_000 }), unit, (base, cap, previous, r) => {
      const delay = backoffDelayMs(3, previous, base, cap, 'decorrelated', () => r);
      return delay <= cap && delay >= Math.min(base, cap) && delay <= Math.max(base, previous * 3);
    }),
  );
});

test('the retry budget never allows more than ratio * requests + minimum within a window', () => {
  let granted = 0; // retries granted over all runs: a budget that never grants one would pass vacuously
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.integer({ min: 0, max: 5 }),
      fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 50 })), { minLength: 1, maxLength: 300 }),
      (ratio, minPerSecond, steps) => {
        const budget = new RetryBudget({ ratio, minRetriesPerSecond: minPerSecond, windowMs: 10_000 });
        let now = 1_000_000;
        const events: { at: number; retry: boolean }[] = [];
        for (const [isRequest, advance] of steps) {
          now += advance;
          if (isRequest) {
            budget.deposit(now);
            events.push({ at: now, retry: false });
          } else if (budget.tryWithdraw(now)) events.push({ at: now, retry: true });
        }
        granted += events.filter((e) => e.retry).length;
        // Within the 9 whole slots before any moment, retries never exceed the allowance
        // over the (at most one window) span they were counted in.
        return events.every((event) => {
          const since = events.filter((e) => e.at > event.at - 9_000 && e.at <= event.at);
          const retries = since.filter((e) => e.retry).length;
          const all = events.filter((e) => e.at > event.at - 10_000 - 1_000 && e.at <= event.at);
          const requests = all.filter((e) => !e.retry).length;
          return retries <= ratio * requests + minPerSecond * 10 + 1e-9;
        });
      },
    ),
  );
  expect(granted).toBeGreaterThan(0);
});

test('a spent budget refills as old requests leave the window', () => {
  const budget = new RetryBudget({ ratio: 0.5, minRetriesPerSecond: 0, windowMs: 1000 });
  for (let i = 0; i < 4; i++) budget.deposit(0);
  expect([budget.tryWithdraw(0), budget.tryWithdraw(0), budget.tryWithdraw(0)]).toEqual([true, true, false]);
  // Two windows later the old requests and retries are forgotten: no requests, no allowance.
  expect(budget.tryWithdraw(2500)).toBe(false);
  budget.deposit(2500);
  budget.deposit(2500);
  expect(budget.tryWithdraw(2500)).toBe(true);
});
