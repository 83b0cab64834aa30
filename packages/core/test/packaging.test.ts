import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Loads each built package the way users do, through Node itself (not jest's transform),
// with both `require` and `import`. `npm test` builds first (pretest).
const root = join(__dirname, '..', '..', '..');
const packages = readdirSync(join(root, 'packages'))
  .map((dir) => join(root, 'packages', dir))
  .filter((dir) => existsSync(join(dir, 'src', 'index.ts')))
  .map((dir) => ({ dir, name: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name as string }));

function run(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();
}

describe('packaging', () => {
  test('finds the workspace packages', () => {
    expect(packages.map((p) => p.name)).toEqual(expect.arrayContaining(['@sluice/core', '@sluice/conformance']));
  });

  describe.each(packages)('$name', ({ dir, name }) => {
    test('is built (run `npm run build`)', () => {
      for (const file of ['dist/esm/index.js', 'dist/esm/index.d.ts', 'dist/cjs/index.js', 'dist/cjs/index.d.ts']) {
        expect(existsSync(join(dir, file)) ? file : `missing ${file}`).toBe(file);
      }
    });

    test('loads with require and with import, exposing the same names', () => {
      const required = run(['-e', `console.log(Object.keys(require(${JSON.stringify(name)})).sort().join(','))`]);
      const imported = run([
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(name)}); console.log(Object.keys(m).filter((k) => k !== 'default').sort().join(','))`,
      ]);
      expect(required.length).toBeGreaterThan(0);
      expect(imported).toBe(required);
    });
  });

  describe('@sluice/core/store (the store authors\' subpath)', () => {
    const storeDir = join(root, 'packages', 'core');
    test('is built, ESM and CJS, with types', () => {
      for (const file of ['dist/esm/store/index.js', 'dist/esm/store/index.d.ts', 'dist/cjs/store/index.js', 'dist/cjs/store/index.d.ts']) {
        expect(existsSync(join(storeDir, file)) ? file : `missing ${file}`).toBe(file);
      }
    });

    test('loads with require and with import, exposing the same names, shared with the main entry', () => {
      const required = run(['-e', "console.log(Object.keys(require('@sluice/core/store')).sort().join(','))"]);
      const imported = run([
        '--input-type=module',
        '-e',
        "const m = await import('@sluice/core/store'); console.log(Object.keys(m).filter((k) => k !== 'default').sort().join(','))",
      ]);
      expect(required.split(',')).toEqual(expect.arrayContaining(['NEVER', 'ALGORITHM_CODES', 'MODE_CODES', 'decodeResults', 'assertOpen', 'toStoreError']));
      expect(imported).toBe(required);
      // One module graph: the subpath's StoreError is the main entry's, not a second class.
      const same = run(['-e', "console.log(require('@sluice/core/store').StoreError === require('@sluice/core').StoreError)"]);
      expect(same).toBe('true');
    });
  });

  test('core works end to end from the ESM build', () => {
    const out = run([
      '--input-type=module',
      '-e',
      "import { createLimiter, fixedWindow } from '@sluice/core'; const l = createLimiter({ policies: [fixedWindow({ limit: 1, window: '1m' })] }); const a = await l.consume('k'); const b = await l.consume('k'); console.log(a.allowed, b.allowed);",
    ]);
    expect(out).toBe('true false');
  });
});
