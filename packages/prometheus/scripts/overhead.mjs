#!/usr/bin/env node
// What observing a limiter costs per decision: a MemoryStore limiter's decide() (synchronous)
// with no listener, with one no-op 'decision' listener (the events' own cost), observed by
// @sluice/prometheus, and observed by @sluice/opentelemetry on an SDK MeterProvider.
// CPU time (process.cpuUsage), variants interleaved, median of 9 rounds. Loads the built
// packages: `node scripts/build.mjs packages/prometheus packages/opentelemetry` first, then
// `node packages/prometheus/scripts/overhead.mjs` from the repository root.
import { createRequire } from 'node:module';

const require = createRequire(`${process.cwd()}/`);
const core = require('@sluice/core');
const { prometheusMetrics } = require('@sluice/prometheus');
const { openTelemetryMetrics } = require('@sluice/opentelemetry');
const { Registry } = require('prom-client');
// The OpenTelemetry SDK is a dev dependency of @sluice/opentelemetry (npm may nest it there, with
// the API version it pairs with): resolve it from that package.
const otelRequire = createRequire(require.resolve('@sluice/opentelemetry/package.json'));
const { MeterProvider, MetricReader } = otelRequire('@opentelemetry/sdk-metrics');

class PullReader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}

const ROUNDS = 9;
const CALLS = 200_000;
const keys = Array.from({ length: 1000 }, (_, i) => `client:${i}`);
const limiter = () => core.createLimiter({ prefix: 'bench', policies: [core.tokenBucket({ name: 'burst', capacity: 1e9, refillPerSecond: 1e6 })] });

const variants = {
  'no listener': limiter(),
  'no-op listener': limiter(),
  prometheus: limiter(),
  opentelemetry: limiter(),
};
variants['no-op listener'].events.on('decision', () => {});
prometheusMetrics({ registry: new Registry() }).observe(variants.prometheus);
openTelemetryMetrics({ meter: new MeterProvider({ readers: [new PullReader()] }).getMeter('bench') }).observe(variants.opentelemetry);

function nsPerDecision(target) {
  const start = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) target.decide(keys[i % keys.length], 1, 'consume');
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / CALLS;
}

const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (const target of Object.values(variants)) nsPerDecision(target); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, target] of Object.entries(variants)) samples[name].push(nsPerDecision(target));
}
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
for (const [name, values] of Object.entries(samples)) {
  console.log(`${name.padEnd(16)} ${median(values).toFixed(0).padStart(5)} ns/decision (median of ${ROUNDS}; min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)})`);
}
