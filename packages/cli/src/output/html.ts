import type { SimulationReport } from '../simulate/report.js';
import { HEADERS, rowCells, summaryLine } from './format.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A self-contained HTML page: the title, the command, the chart (inline SVG) and the table.
 * No script and no external resource, so it opens anywhere, offline.
 */
export function renderHtml(report: SimulationReport, svg: string, title: string, command: string): string {
  const head = HEADERS.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = report.policies
    .map((p) => `<tr>${rowCells(p).map((cell, i) => (i === 0 ? `<td><code>${escapeHtml(cell)}</code></td>` : `<td>${escapeHtml(cell)}</td>`)).join('')}</tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
body { font: 14px/1.45 Helvetica, Arial, sans-serif; margin: 24px; color: #222; }
pre { background: #f5f5f5; padding: 8px 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin-top: 16px; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: right; }
td { white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<pre>${escapeHtml(command)}</pre>
<p>${escapeHtml(summaryLine(report))}</p>
${svg}
<table>
<thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody>
</table>
</body>
</html>
`;
}
