import { formatDuration } from '@sluice/core';
import type { PolicyReport, SimulationReport } from '../simulate/report.js';

/** A window length as the docs write it: 1000 -> '1s', 1500 -> '1500ms'. */
export function windowText(ms: number): string {
  return Number.isInteger(ms) && ms > 0 ? formatDuration(ms) : `${ms}ms`;
}

function percent(share: number | null): string {
  return share === null ? '-' : `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;
}

/** The table's cells for one policy, shared by the text table and the HTML page. */
export function rowCells(p: PolicyReport): string[] {
  const w = p.worstWindow;
  const top = p.fairness.top;
  return [
    p.policy,
    String(p.admitted),
    String(p.denied),
    String(p.shaped),
    `${w.count} / ${windowText(w.windowMs)} (limit ${w.limit})`,
    p.delayMs === null ? '-' : `${p.delayMs.p50} / ${p.delayMs.p99} / ${p.delayMs.max}`,
    p.fairness.jain === null ? '-' : p.fairness.jain.toFixed(3),
    `${percent(top.offeredShare)} -> ${percent(top.admittedShare)}`,
  ];
}

export const HEADERS = ['policy', 'admitted', 'denied', 'shaped', 'worst window', 'delay ms p50/p99/max', 'Jain', 'top 1% offered -> admitted'];

/** One line about the traffic, above the table. */
export function summaryLine(report: SimulationReport): string {
  return (
    `${report.requests} requests from ${report.clients} client${report.clients === 1 ? '' : 's'} over ` +
    `${(report.durationMs / 1000).toFixed(3).replace(/\.?0+$/, '')}s; each policy simulated separately ` +
    `(${report.policies.length} × ${report.requests} decisions in ${report.elapsedMs} ms)`
  );
}
