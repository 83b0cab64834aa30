import { formatDuration } from '@sluice/core';
import type { PolicyReport, SimulationReport } from '../simulate/report.js';

/** A window length as the docs write it: 1000 -> '1s', 1500 -> '1500ms'. */
export function windowText(ms: number): string {
  return Number.isInteger(ms) && ms > 0 ? formatDuration(ms) : `${ms}ms`;
}

function percent(share: number | null): string {
  return share === null ? '-' : `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;
}

/** The busiest window against what the policy allows there: `19 / 1s (limit 10)`, `12 / 1s (capacity 5, allows 15)`. */
export function worstWindowText(p: PolicyReport): string {
  const w = p.worstWindow;
  return `${w.count} / ${windowText(w.windowMs)} (${allowanceText(p)})`;
}

/** `limit 10` for a window policy; `capacity 5, allows 15` for a bucket (capacity + rate × window). */
export function allowanceText(p: PolicyReport): string {
  const w = p.worstWindow;
  const bucket = p.algorithm === 'token-bucket' || p.algorithm === 'leaky-bucket';
  return bucket ? `capacity ${w.limit}, allows ${w.allowed}` : `limit ${w.limit}`;
}

/** The table's cells for one policy, shared by the text table and the HTML page. */
export function rowCells(p: PolicyReport): string[] {
  const top = p.fairness.top;
  return [
    p.policy,
    String(p.admitted),
    String(p.denied),
    String(p.shaped),
    worstWindowText(p),
    p.delayMs === null ? '-' : `${p.delayMs.p50} / ${p.delayMs.p99} / ${p.delayMs.max}`,
    p.fairness.jain === null ? '-' : p.fairness.jain.toFixed(3),
    `${percent(top.offeredShare)} -> ${percent(top.admittedShare)}`,
  ];
}

export const HEADERS = ['policy', 'admitted', 'denied', 'shaped', 'worst window', 'delay ms p50/p99/max', 'Jain', 'top 1% offered -> admitted'];

/** The traffic's length: seconds (`2s`, `1.5s`) from 1 s up, milliseconds below (`1ms`, `250.5ms`). */
function spanText(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}s` : `${ms.toFixed(3).replace(/\.?0+$/, '')}ms`;
}

/** One line about the traffic, above the table. */
export function summaryLine(report: SimulationReport): string {
  return (
    `${report.requests} request${report.requests === 1 ? '' : 's'} from ${report.clients} client${report.clients === 1 ? '' : 's'} over ` +
    `${spanText(report.durationMs)}; each policy simulated separately ` +
    `(${report.policies.length} × ${report.requests} decisions in ${report.elapsedMs} ms)`
  );
}
