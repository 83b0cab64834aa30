// The failing-callback matrix in a child process that listens for uncaughtException and
// unhandledRejection on its own `process` (Jest's sandbox hides process events from tests).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { callbackCases } from './callback-cases.js';
import type { SurvivalReport } from './process-survival/run-matrix.js';

const CHILD = join(__dirname, 'process-survival', 'child.cjs');

function runChild(adapter: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CHILD, adapter], { timeout: 120_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : ((error as { code?: number }).code ?? null), stdout, stderr });
    });
  });
}

export function runProcessSurvival(adapter: 'express' | 'koa' | 'fastify'): void {
  describe(`${adapter}: failing callbacks in a real process`, () => {
    it('every case answers as expected and nothing reaches uncaughtException or unhandledRejection', async () => {
      const { code, stdout, stderr } = await runChild(adapter);
      expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
      const report = JSON.parse(stdout) as SurvivalReport;
      expect(report.escaped).toEqual([]);
      const cases = callbackCases();
      expect(report.results.map((entry) => entry.name)).toEqual(cases.map((testCase) => testCase.name));
      expect(cases.length).toBeGreaterThan(0);
      for (const [index, testCase] of cases.entries()) {
        const { result } = report.results[index]!;
        if ('reported' in testCase.expect) {
          expect(result).toMatchObject({ status: 200, handled: true, reported: testCase.expect.reported });
        } else {
          expect(result).toMatchObject({ status: 500, handled: false, message: testCase.expect.message });
        }
      }
    });
  });
}
