// Shadow mode rows of the adapter behaviour table: a shadow limiter or policy never denies
// (nor holds) and still reports: the exposed decision, the limiter's events, and, with
// `shadowHeaders: true`, its own RateLimit entries.
import { createLimiter, ErrorCodes, fixedWindow, leakyBucket, type DecisionEvent } from '@sluice/core';
import type { AppSpec, TestApp, TestResponse } from './harness.js';
import type { FakeClockStore } from './test-stores.js';

export function runShadowRows(build: (spec: AppSpec) => Promise<TestApp>, clock: () => FakeClockStore): void {
  describe('shadow mode', () => {
    const minute = (limit: number, shadow = false) => fixedWindow({ name: shadow ? 'trial' : 'minute', limit, window: '1m', shadow });
    const get = (app: TestApp): Promise<TestResponse> => app.request({ path: '/' });

    it('a whole-shadow limiter never denies past its limit, reports the would-be denial in events and the decision, and sends no RateLimit headers by default', async () => {
      const limiter = createLimiter({ store: clock(), policies: [minute(2)], shadow: true });
      const events: DecisionEvent[] = [];
      limiter.events.on('decision', (event) => events.push(event));
      const app = await build({ global: { limiter } });
      const responses: TestResponse[] = [];
      for (let i = 0; i < 4; i++) responses.push(await get(app));
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect(responses[3]!.headers['retry-after']).toBeUndefined();
      expect(responses[3]!.headers['ratelimit']).toBeUndefined();
      expect(responses[3]!.headers['ratelimit-policy']).toBeUndefined();
      expect(responses[3]!.body.rateLimit).toMatchObject({ allowed: true, shadow: { allowed: false, policy: 'minute' } });
      // A whole-shadow limiter applies nothing: admissions are enforced: false too.
      expect(events.map((e) => `${e.outcome}/${e.enforced}`)).toEqual(['allowed/false', 'allowed/false', 'denied/false', 'denied/false']);
    });

    it('shadowHeaders: true shows the shadow policy in RateLimit (r=0 when it would deny), still without 429 or Retry-After', async () => {
      const app = await build({ global: { store: clock(), policies: [minute(1)], shadow: true, shadowHeaders: true } });
      await get(app);
      const over = await get(app);
      expect(over.status).toBe(200);
      expect(over.headers['ratelimit-policy']).toBe('"minute";q=1;w=60');
      expect(over.headers['ratelimit']).toBe('"minute";r=0;t=60');
      expect(over.headers['retry-after']).toBeUndefined();
    });

    it('a shadow policy beside an enforced one: headers show the enforced one; only the enforced one denies', async () => {
      const app = await build({ global: { store: clock(), policies: [minute(3), minute(1, true)] } });
      const first = await get(app);
      expect(first.headers['ratelimit-policy']).toBe('"minute";q=3;w=60');
      expect(first.headers['ratelimit']).toBe('"minute";r=2;t=60');
      const second = await get(app);
      expect(second.status).toBe(200);
      expect(second.body.rateLimit).toMatchObject({ allowed: true, policy: 'minute', shadow: { allowed: false, policy: 'trial' } });
      expect(second.body.rateLimit.results.map((r: { policy: string; allowed: boolean }) => `${r.policy}:${r.allowed}`)).toEqual([
        'minute:true',
        'trial:false',
      ]);
      await get(app);
      const denied = await get(app);
      expect(denied.status).toBe(429);
      expect(denied.body).toMatchObject({ policy: 'minute', 'violated-policies': ['minute'] });
    });

    it('a shadow leaky bucket never holds the request', async () => {
      const app = await build({ global: { store: clock(), policies: [leakyBucket({ name: 'queue', capacity: 5, leakPerSecond: 0.001, shadow: true })] } });
      await get(app);
      const second = await get(app);
      expect(second.status).toBe(200);
      expect(second.body.rateLimit).toMatchObject({ delayMs: 0 });
      expect(second.body.rateLimit.shadow.delayMs).toBeGreaterThan(0);
      expect(app.events.entries.filter((e) => e.startsWith('handled')).length).toBe(0);
    });

    it('shadowHeaders must be a boolean', async () => {
      await expect(build({ global: { store: clock(), policies: [minute(1)], shadowHeaders: 'yes' as never } })).rejects.toMatchObject({
        code: ErrorCodes.INVALID_OPTION,
        option: 'shadowHeaders',
      });
    });
  });
}
