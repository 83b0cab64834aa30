import type { SimulationReport } from '../simulate/report.js';
import { HEADERS, rowCells, summaryLine } from './format.js';

/** The report as a plain-text table (one row per policy), for stdout. */
export function renderTable(report: SimulationReport): string {
  const rows = [HEADERS, ...report.policies.map(rowCells)];
  const widths = HEADERS.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd();
  return [summaryLine(report), '', line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line), ''].join('\n');
}
