import { createLimiter, fixedWindow, tokenBucket } from '@sluice/core';
import { Registry } from 'prom-client';
import { prometheusMetrics } from '../src/index.js';
import { parseExposition, sampleValue, series } from './harness/exposition.js';

const NOW = 1_000_000; // a fixed store clock

// Shadow mode: a policy (or a whole limiter) is charged and reported but never denies. The
// metrics say what it would have done with enforced="false", under the shadow policy's name.
describe('shadow mode', () => {
  test('a shadow policy beside an enforced one: its would-be denials count as enforced="false" under its own name', async () => {
    const registry = new Registry();
    const metrics = prometheusMetrics({ registry });
    const limiter = createLimiter({
      prefix: 'api',
      policies: [fixedWindow({ name: 'current', limit: 10, window: '1m' }), fixedWindow({ name: 'candidate', limit: 2, window: '1m', shadow: true })],
    });
    metrics.observe(limiter);
    const allowed: boolean[] = [];
    for (let i = 0; i < 4; i++) allowed.push((await limiter.consume('k', { nowMs: NOW })).allowed);
    expect(allowed).toEqual([true, true, true, true]);
    const samples = parseExposition(await registry.metrics());
    expect(sampleValue(samples, 'sluice_decisions_total', { limiter: 'api', policy: 'candidate', outcome: 'denied', enforced: 'false' })).toBe(2);
    expect(sampleValue(samples, 'sluice_denials_total', { limiter: 'api', policy: 'candidate', enforced: 'false', decided_by: 'store' })).toBe(2);
    // The first two: admitted by both, labelled with the enforced binding policy.
    expect(sampleValue(samples, 'sluice_decisions_total', { limiter: 'api', policy: 'current', outcome: 'allowed', enforced: 'true' })).toBe(2);
    expect(series(samples, 'sluice_denials_total', { enforced: 'true' })).toEqual([]);
  });

  test('a whole limiter in shadow never denies and reports what it would have', async () => {
    const registry = new Registry();
    const metrics = prometheusMetrics({ registry });
    const limiter = createLimiter({ prefix: 'trial', shadow: true, policies: [tokenBucket({ name: 'burst', capacity: 1, refillPerSecond: 1 })] });
    metrics.observe(limiter);
    for (let i = 0; i < 3; i++) expect((await limiter.consume('k', { nowMs: NOW })).allowed).toBe(true);
    const samples = parseExposition(await registry.metrics());
    // Nothing a whole-shadow limiter decides is applied: its admissions are enforced="false" too.
    expect(sampleValue(samples, 'sluice_decisions_total', { limiter: 'trial', policy: 'burst', outcome: 'allowed', enforced: 'false' })).toBe(1);
    expect(series(samples, 'sluice_decisions_total', { limiter: 'trial', enforced: 'true' })).toEqual([]);
    expect(sampleValue(samples, 'sluice_decisions_total', { limiter: 'trial', policy: 'burst', outcome: 'denied', enforced: 'false' })).toBe(2);
  });
});
