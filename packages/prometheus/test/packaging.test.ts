import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// The BUILT package through Node itself, with `import` and `require`, each observing a limiter made
// by the other module system's copy of @sluice/core. `npm test` builds first (pretest); alone:
// `node scripts/build.mjs packages/prometheus`.
const root = join(__dirname, '..', '..', '..');

describe('@sluice/prometheus from its dist, as ESM and as CommonJS', () => {
  let seen: { esmExports: string[]; cjsExports: string[]; twoCopies: boolean; esmOnCjsCore: string[]; cjsOnEsmCore: string[] };

  beforeAll(() => {
    for (const file of ['dist/esm/index.js', 'dist/esm/index.d.ts', 'dist/cjs/index.js', 'dist/cjs/index.d.ts']) {
      expect(existsSync(join(__dirname, '..', file)) ? file : `missing ${file} (run node scripts/build.mjs packages/prometheus)`).toBe(file);
    }
    seen = JSON.parse(execFileSync(process.execPath, [join(__dirname, 'fixtures', 'dual-import.mjs')], { cwd: root, encoding: 'utf8' }));
  });

  test('import and require expose the same names', () => {
    expect(seen.esmExports).toEqual(expect.arrayContaining(['prometheusMetrics', 'METRIC_NAMES', 'DEFAULT_STORE_DURATION_BUCKETS']));
    expect(seen.cjsExports).toEqual(seen.esmExports);
    expect(seen.twoCopies).toBe(true);
  });

  test("each copy counts the decisions of the other module system's limiter", () => {
    const expected = [
      'sluice_decisions_total{limiter="smoke",policy="minute",outcome="allowed",enforced="true"} 1',
      'sluice_decisions_total{limiter="smoke",policy="minute",outcome="denied",enforced="true"} 1',
      'sluice_memory_store_keys{store="memory"} 1',
    ];
    expect(seen.esmOnCjsCore).toEqual(expected);
    expect(seen.cjsOnEsmCore).toEqual(expected);
  });
});
