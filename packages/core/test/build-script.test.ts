import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// scripts/build.mjs (`npm run build`, `npm start`'s prestart) rebuilds only what changed. This
// runs it on a throwaway three-package workspace: a, b (depends on a), c (independent), and app
// (depends on b, builds nothing itself, like examples/).
const script = join(__dirname, '..', '..', '..', 'scripts', 'build.mjs');
let root: string;

function write(path: string, content: unknown): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
}

function makePackage(name: string, source: string, deps: Record<string, string> = {}): void {
  write(`packages/${name}/package.json`, {
    name: `@fx/${name}`,
    version: '1.0.0',
    main: './dist/cjs/index.js',
    module: './dist/esm/index.js',
    types: './dist/cjs/index.d.ts',
    exports: {
      '.': {
        import: { types: './dist/esm/index.d.ts', default: './dist/esm/index.js' },
        require: { types: './dist/cjs/index.d.ts', default: './dist/cjs/index.js' },
      },
    },
    dependencies: deps,
  });
  write(`packages/${name}/tsconfig.build.json`, { extends: '../../tsconfig.json', compilerOptions: { rootDir: 'src' }, include: ['src'] });
  write(`packages/${name}/src/index.ts`, source);
  mkdirSync(join(root, 'node_modules', '@fx'), { recursive: true });
  symlinkSync(join(root, 'packages', name), join(root, 'node_modules', '@fx', name));
}

/** Runs the build; returns its exit code and the packages it built (or, with --dry-run, found stale). */
function build(...args: string[]): { status: number | null; built: string[]; stale: string[]; output: string } {
  const result = spawnSync(process.execPath, [script, '--root', root, ...args], { cwd: root, encoding: 'utf8' });
  const output = result.stdout + result.stderr;
  const names = (word: string) => [...output.matchAll(new RegExp(`^packages/(\\w+): ${word}`, 'gm'))].map((m) => m[1] ?? '');
  return { status: result.status, built: names('built'), stale: names('stale'), output };
}

function load(name: string, kind: 'require' | 'import'): string {
  const code =
    kind === 'require'
      ? `console.log(JSON.stringify(require('@fx/${name}')))`
      : `const m = await import('@fx/${name}'); console.log(JSON.stringify({ ...m }))`;
  const args = kind === 'require' ? ['-e', code] : ['--input-type=module', '-e', code];
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();
}

const mtime = (path: string) => statSync(join(root, path)).mtimeMs;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'sluice-build-'));
  write('package.json', { name: 'fx', private: true, workspaces: ['packages/a', 'packages/b', 'packages/c', 'app'] });
  write('tsconfig.json', {
    // The smallest standard library keeps each real build quick.
    compilerOptions: { target: 'ES2022', lib: ['ES5'], strict: true, declaration: true, skipLibCheck: true, types: [] },
  });
  makePackage('a', 'export const a: number = 1;\n');
  makePackage('b', "import { a } from '@fx/a';\nexport const b = a + 1;\n", { '@fx/a': '1.0.0' });
  makePackage('c', 'export const c = 3;\n');
  // tsconfig files may carry comments and trailing commas, as TypeScript allows.
  write('packages/c/tsconfig.build.json', '{\n  // why\n  "extends": "../../tsconfig.json", /* the root */\n  "compilerOptions": { "rootDir": "src" },\n  "include": ["src"],\n}\n');
  write('app/package.json', { name: 'fx-app', private: true, dependencies: { '@fx/b': '1.0.0' } });
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('scripts/build.mjs', () => {
  test('a target without a tsconfig.build.json builds only its dependencies, dependencies first', () => {
    const result = build(join(root, 'app'));
    expect(result.status).toBe(0);
    expect(result.built).toEqual(['a', 'b']);
    expect(existsSync(join(root, 'packages/c/dist'))).toBe(false);
  });

  test('a full build builds what is missing and leaves ESM and CJS builds with their type markers', () => {
    const result = build();
    expect(result.status).toBe(0);
    expect(result.built).toEqual(['c']);
    for (const name of ['a', 'b', 'c']) {
      expect(JSON.parse(readFileSync(join(root, `packages/${name}/dist/esm/package.json`), 'utf8'))).toEqual({ type: 'module' });
      expect(JSON.parse(readFileSync(join(root, `packages/${name}/dist/cjs/package.json`), 'utf8'))).toEqual({ type: 'commonjs' });
    }
    expect(load('b', 'require')).toBe('{"b":2}');
    expect(load('b', 'import')).toBe('{"b":2}');
    expect(existsSync(join(root, 'packages/b/dist/esm/index.d.ts'))).toBe(true);
  });

  test('a second build with nothing changed builds nothing and rewrites no file', () => {
    const before = mtime('packages/a/dist/esm/index.js');
    const result = build();
    expect(result.status).toBe(0);
    expect(result.built).toEqual([]);
    expect(result.output).toMatch(/3 packages, 0 built/);
    expect(mtime('packages/a/dist/esm/index.js')).toBe(before);
  });

  test('freshness is by content: touching a file without changing it rebuilds nothing', () => {
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'packages/a/src/index.ts'), later, later);
    expect(build('--dry-run').stale).toEqual([]);
  });

  test('editing a source rebuilds that package and its dependants, not the others', () => {
    write('packages/a/src/index.ts', 'export const a: number = 5;\n');
    expect(build('--dry-run').stale).toEqual(['a', 'b']);
    const result = build();
    expect(result.status).toBe(0);
    expect(result.built).toEqual(['a', 'b']);
    expect(load('b', 'require')).toBe('{"b":6}');
    expect(load('b', 'import')).toBe('{"b":6}');
    expect(build('--dry-run').stale).toEqual([]);
  });

  test('a dependant alone, a tsconfig (also the root one, through a commented extends), a new source file and a missing output each make a package stale', () => {
    write('packages/b/src/index.ts', "import { a } from '@fx/a';\nexport const b = a + 2;\n");
    expect(build('--dry-run').stale).toEqual(['b']);
    write('packages/b/src/index.ts', "import { a } from '@fx/a';\nexport const b = a + 1;\n");
    expect(build('--dry-run').stale).toEqual([]);

    write('packages/c/tsconfig.build.json', { extends: '../../tsconfig.json', compilerOptions: { rootDir: 'src', removeComments: true }, include: ['src'] });
    expect(build('--dry-run').stale).toEqual(['c']);
    write('packages/c/tsconfig.build.json', { extends: '../../tsconfig.json', compilerOptions: { rootDir: 'src' }, include: ['src'] });

    write('packages/c/src/extra.ts', 'export const extra = 1;\n');
    expect(build('--dry-run').stale).toEqual(['c']);
    rmSync(join(root, 'packages/c/src/extra.ts'));

    const rootConfig = readFileSync(join(root, 'tsconfig.json'), 'utf8');
    write('tsconfig.json', rootConfig.replace('"strict": true', '"strict": false'));
    expect(build('--dry-run').stale).toEqual(['a', 'b', 'c']);
    write('tsconfig.json', rootConfig);

    rmSync(join(root, 'packages/c/dist/cjs/package.json'));
    expect(build('--dry-run').stale).toEqual(['c']);
  });

  test('a failed build exits 1, keeps the old dist, skips dependants, and is retried next time', () => {
    write('packages/a/src/index.ts', "export const a: number = 'not a number';\n");
    const failed = build();
    expect(failed.status).toBe(1);
    expect(failed.output).toMatch(/TS2322/);
    expect(failed.output).toMatch(/packages\/b: not built, its dependency @fx\/a failed/);
    expect(failed.built).toEqual(['c']); // independent of the failure (its marker was removed above)
    expect(load('b', 'require')).toBe('{"b":6}');

    write('packages/a/src/index.ts', 'export const a: number = 7;\n');
    const fixed = build();
    expect(fixed.status).toBe(0);
    expect(fixed.built).toEqual(['a', 'b']);
    expect(load('b', 'require')).toBe('{"b":8}');
  });

  test('two builds of the same packages at once both succeed and leave one whole dist/', async () => {
    const run = () =>
      new Promise<number | null>((resolve) => {
        execFile(process.execPath, [script, '--root', root, '--force', join(root, 'packages/a')], (error) =>
          resolve(error === null ? 0 : (error.code as number | null)),
        );
      });
    expect(await Promise.all([run(), run()])).toEqual([0, 0]);
    expect(load('a', 'import')).toBe('{"a":7}');
    expect(readdirSync(join(root, 'packages/a')).sort()).toEqual(['dist', 'package.json', 'src', 'tsconfig.build.json']);
    expect(build('--dry-run').stale).toEqual([]);
  });

  test('--force counts every package as stale; an unknown option is refused', () => {
    expect(build('--force', '--dry-run').stale).toEqual(['a', 'b', 'c']);
    const refused = build('--fast');
    expect(refused.status).toBe(2);
    expect(refused.output).toMatch(/unknown option --fast/);
  });
});
