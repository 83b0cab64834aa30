import type { PolicyReport, SimulationReport } from '../simulate/report.js';
import { allowanceText, windowText } from './format.js';

/** Series drawn, in legend and stacking order, with their colours. */
const SERIES = [
  { name: 'admitted', color: '#2e9d57' },
  { name: 'shaped (held)', color: '#e69f00' },
  { name: 'denied', color: '#d6453d' },
  { name: 'offered', color: '#222222' },
  { name: 'released', color: '#3b6fd8' },
] as const;

const ROW_WIDTH = 640;
const ROW_HEIGHT = 120;

interface Point {
  t0: number;
  t1: number;
  series: string;
  count: number;
}

function bars(p: PolicyReport, bucketS: number): Point[] {
  const out: Point[] = [];
  const add = (series: string, counts: number[]) =>
    counts.forEach((count, i) => {
      if (count > 0) out.push({ t0: i * bucketS, t1: (i + 1) * bucketS, series, count });
    });
  add(SERIES[0].name, p.series.admitted);
  add(SERIES[1].name, p.series.shaped);
  add(SERIES[2].name, p.series.denied);
  return out;
}

/** A step line over every bucket (zeros included), with a closing point at the last bucket's end. */
function steps(series: string, counts: number[], bucketS: number): Point[] {
  const out = counts.map((count, i) => ({ t0: i * bucketS, t1: (i + 1) * bucketS, series, count }));
  const last = counts.length - 1;
  if (last >= 0) out.push({ t0: counts.length * bucketS, t1: counts.length * bucketS, series, count: counts[last]! });
  return out;
}

function row(p: PolicyReport, report: SimulationReport): { layer: unknown[] } & Record<string, unknown> {
  const bucketS = report.bucketMs / 1000;
  const w = p.worstWindow;
  // Two short lines: vega sizes the chart by estimated text widths, and one long line widens it.
  const subtitle = [
    `offered ${p.offered} · admitted ${p.admitted} · denied ${p.denied}` + (p.shaped > 0 ? ` · shaped ${p.shaped}` : ''),
    (w.startMs === null ? 'nothing admitted' : `busiest ${windowText(w.windowMs)} (shaded): ${w.count} admitted, ${allowanceText(p)}`) +
      (p.delayMs !== null ? ` · shaping delay p50 ${p.delayMs.p50} ms, max ${p.delayMs.max} ms` : ''),
  ];
  // Counts are whole requests: integer ticks only.
  const countY = { field: 'count', type: 'quantitative', title: `per ${windowText(report.bucketMs)}`, axis: { tickMinStep: 1, format: 'd' } };
  const x = { field: 't0', type: 'quantitative', title: 'time (s)', scale: { nice: false }, axis: { format: '~g', grid: false, tickCount: 12 } };
  const layers: Record<string, unknown>[] = [];
  const busiest =
    w.startMs === null
      ? undefined
      : { data: { values: [{ x0: w.startMs / 1000, x1: (w.startMs + w.windowMs) / 1000 }] }, encoding: { x: { field: 'x0', type: 'quantitative' }, x2: { field: 'x1' } } };
  if (busiest !== undefined) layers.push({ ...busiest, mark: { type: 'rect', color: '#f5d76e', opacity: 0.35 } });
  layers.push({
    data: { values: bars(p, bucketS) },
    mark: { type: 'bar', binSpacing: 0 },
    encoding: {
      // Pre-binned: each bar spans its bucket [t0, t1) and stacks vertically.
      x: { ...x, bin: { binned: true, step: bucketS } },
      x2: { field: 't1' },
      y: { ...countY, stack: 'zero' },
      color: { field: 'series', type: 'nominal' },
      order: { field: 'order', type: 'quantitative' },
    },
    transform: [{ calculate: `indexof(${JSON.stringify(SERIES.map((s) => s.name))}, datum.series)`, as: 'order' }],
  });
  layers.push({
    data: { values: steps(SERIES[3].name, p.series.offered, bucketS) },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
    encoding: { x, y: countY, color: { field: 'series', type: 'nominal' } },
  });
  if (p.shaped > 0) {
    layers.push({
      data: { values: steps(SERIES[4].name, p.series.released, bucketS) },
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2.5 },
      encoding: { x, y: countY, color: { field: 'series', type: 'nominal' } },
    });
  }
  if (busiest !== undefined) {
    // An outline over the bars: the fill behind them disappears when the bars fill the plot, and a
    // fill in front would tint them (red under yellow reads as the orange of shaped requests).
    layers.push({ ...busiest, mark: { type: 'rect', fill: null, stroke: '#b8860b', strokeWidth: 2, strokeDash: [5, 3] } });
  }
  return {
    title: { text: p.policy, subtitle, anchor: 'start', fontSize: 13, subtitleFontSize: 11 },
    width: ROW_WIDTH,
    height: ROW_HEIGHT,
    layer: layers,
  };
}

/**
 * The Vega-Lite spec of the chart: one row per policy on one shared time axis (seconds from
 * the traffic's start), per time bucket the admitted, shaped and denied requests as stacked
 * bars and the offered requests as a step line (shaping policies also the released ones); the
 * busiest window is shaded and labelled in each row, and each row's title names its policy.
 */
export function chartSpec(report: SimulationReport, title: string): Record<string, unknown> {
  const shaping = report.policies.some((p) => p.shaped > 0);
  const used = SERIES.filter((s) => shaping || (s !== SERIES[1] && s !== SERIES[4]));
  // One colour scale for every row, so the one legend at the top reads for all of them.
  const color = {
    field: 'series',
    type: 'nominal',
    scale: { domain: used.map((s) => s.name), range: used.map((s) => s.color) },
    legend: { orient: 'top', title: null, labelFontSize: 12, labelLimit: 0, symbolType: 'square', gridAlign: 'none' },
  };
  const rows = report.policies.map((p) => row(p, report));
  for (const r of rows) {
    for (const layer of r.layer as { encoding: Record<string, unknown> }[]) {
      if (layer.encoding.color !== undefined) layer.encoding.color = color;
    }
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, anchor: 'start', fontSize: 14 },
    background: 'white',
    padding: 12,
    spacing: 18,
    config: { font: 'Helvetica, Arial, sans-serif', view: { stroke: '#ddd' } },
    resolve: { scale: { x: 'shared', color: 'shared' } },
    vconcat: rows,
  };
}
