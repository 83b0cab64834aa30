// Several Sluice limits on one request (a global limiter plus a route's own) merge into one
// RateLimit-Policy and one RateLimit list; the handler sees every decision.
import { fixedWindow, tokenBucket } from '@sluice/core';
import type { AdapterHarness, TestApp } from './harness.js';
import { useApps } from './use-apps.js';

export function runStackedLimiters(harness: AdapterHarness): void {
  describe(`${harness.name}: stacked limiters`, () => {
    const { build, clock } = useApps(harness);

    async function loginApp(): Promise<TestApp> {
      const burst = tokenBucket({ name: 'burst', capacity: 3, refillPerSecond: 1 });
      const login = fixedWindow({ name: 'login', limit: 2, window: '1m' });
      return build({
        global: { store: clock(), policies: [burst] },
        routes: [{ path: '/' }, { path: '/login', stacked: { store: clock(), policies: [login] } }],
      });
    }

    it('a global burst limit and a route login limit: one merged list, every decision for the handler', async () => {
      const app = await loginApp();
      const first = await app.request({ path: '/login' });
      expect(first.status).toBe(200);
      expect(first.headers['ratelimit-policy']).toBe('"burst";q=3;w=3, "login";q=2;w=60');
      expect(first.headers['ratelimit']).toBe('"burst";r=2;t=1, "login";r=1;t=60');
      expect(first.body.rateLimits.map((decision: { policy: string }) => decision.policy)).toEqual(['burst', 'login']);
      // The binding decision: the one with the fewest units left.
      expect(first.body.rateLimit).toMatchObject({ policy: 'login', remaining: 1 });

      expect((await app.request({ path: '/login' })).headers['ratelimit']).toBe('"burst";r=1;t=2, "login";r=0;t=60');
      const denied = await app.request({ path: '/login' });
      expect(denied.status).toBe(429);
      expect(denied.body).toMatchObject({ policy: 'login', 'violated-policies': ['login'] });
      expect(denied.headers['ratelimit-policy']).toBe('"burst";q=3;w=3, "login";q=2;w=60');
      expect(denied.headers['ratelimit']).toBe('"burst";r=0;t=3, "login";r=0;t=60');
      expect(denied.headers['retry-after']).toBe('60');

      // The burst policy the client was shown all along now denies, before the route's limiter runs.
      const burstDenied = await app.request({ path: '/login' });
      expect(burstDenied.status).toBe(429);
      expect(burstDenied.body).toMatchObject({ policy: 'burst' });
      expect(burstDenied.headers['ratelimit-policy']).toBe('"burst";q=3;w=3');
      expect(burstDenied.headers['retry-after']).toBe('1');
    });

    it('a route without its own limit shows only the global one', async () => {
      const app = await loginApp();
      const home = await app.request({ path: '/' });
      expect(home.headers['ratelimit-policy']).toBe('"burst";q=3;w=3');
      expect(home.body.rateLimits.map((decision: { policy: string }) => decision.policy)).toEqual(['burst']);
    });

    it("draft-7 describes the binding decision of all of them", async () => {
      const burst = tokenBucket({ name: 'burst', capacity: 3, refillPerSecond: 1 });
      const login = fixedWindow({ name: 'login', limit: 2, window: '1m' });
      const app = await build({
        global: { store: clock(), policies: [burst], headers: 'draft-7' },
        routes: [{ path: '/login', stacked: { store: clock(), policies: [login], headers: 'draft-7' } }],
      });
      const first = await app.request({ path: '/login' });
      expect(first.headers['ratelimit-policy']).toBe('2;w=60');
      expect(first.headers['ratelimit']).toBe('limit=2, remaining=1, reset=60');
    });
  });
}
