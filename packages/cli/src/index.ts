/**
 * `sluice simulate` and the pieces it is made of, for scripts and tests: traffic patterns,
 * the simulation on a virtual clock, the report and its SVG/HTML/table renderers. See docs/simulate.md.
 *
 * @module @sluice/cli
 */
export { main, loadTraffic, PATTERN_EPOCH_MS, type Io } from './cli/main.js';
export { parseSimulateArgs, type SimulateArgs } from './cli/args.js';
export { UsageError, isUsageError } from './errors.js';
export { parseCall, type CallSpec } from './spec.js';
export { parsePolicy, POLICY_NAMES, type PolicySpec } from './policies.js';
export { parsePattern, parsePatternFile, buildPattern, buildPatterns, PATTERN_NAMES } from './traffic/pattern-spec.js';
export {
  steady,
  burst,
  boundaryBurst,
  ramp,
  zipf,
  type SteadyOptions,
  type BurstOptions,
  type BoundaryBurstOptions,
  type RampOptions,
  type ZipfOptions,
} from './traffic/patterns.js';
export { parseLog, readLog } from './traffic/log.js';
export { mergeSegments } from './traffic/merge.js';
export { seededRandom, zipfSampler } from './traffic/random.js';
export { MAX_REQUESTS, type Traffic, type Segment } from './traffic/types.js';
export { simulatePolicy, DENIED, ADMITTED, SHAPED, type Outcome } from './simulate/run.js';
export { simulate, MAX_BUCKETS, type SimulationReport, type PolicyReport, type Series, type ReportOptions } from './simulate/report.js';
export { worstWindowSorted, worstWindowPerKey, type WorstWindow } from './simulate/worst-window.js';
export { percentile, jainIndex, niceBucketMs } from './simulate/stats.js';
export { chartSpec } from './output/chart.js';
export { renderSvg } from './output/render.js';
export { renderTable } from './output/table.js';
export { renderHtml } from './output/html.js';
