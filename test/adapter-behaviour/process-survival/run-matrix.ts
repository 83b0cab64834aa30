import { callbackCases, runCallbackCase, type CaseResult } from '../callback-cases.js';
import type { AdapterHarness } from '../harness.js';

export interface SurvivalReport {
  results: Array<{ name: string; result: CaseResult }>;
  /** What reached process 'uncaughtException' / 'unhandledRejection': must stay empty. */
  escaped: string[];
}

async function harnessFor(adapter: string): Promise<AdapterHarness> {
  const module = (await import(`../../../packages/${adapter}/test/${adapter}-harness.js`)) as Record<string, AdapterHarness>;
  return module[`${adapter}Harness`]!;
}

/** JSON keeps an Error's own fields only: bring its message along. */
function plain(result: CaseResult): CaseResult {
  const reported = result.reported;
  if (!(reported instanceof Error)) return result;
  return { ...result, reported: { ...reported, message: reported.message } };
}

/** Lets pending rejections surface: Node reports an unhandled one once the microtask queue drains. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

export async function main(adapter: string): Promise<void> {
  const escaped: string[] = [];
  process.on('uncaughtException', (error) => escaped.push(`uncaughtException: ${String(error)}`));
  process.on('unhandledRejection', (reason) => escaped.push(`unhandledRejection: ${String(reason)}`));
  // Warnings the matrix provokes on purpose are not this report's business.
  process.removeAllListeners('warning');
  const harness = await harnessFor(adapter);
  const results: SurvivalReport['results'] = [];
  for (const testCase of callbackCases()) {
    results.push({ name: testCase.name, result: plain(await runCallbackCase(harness, testCase)) });
    await settle();
  }
  const report: SurvivalReport = { results, escaped };
  process.stdout.write(JSON.stringify(report));
}
