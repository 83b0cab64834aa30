// Whether a package's dist/ is up to date, decided by content, not by mtimes: a fingerprint
// (SHA-256) of everything that can change the build's output is stored in dist/ after a
// successful build, and the package is fresh when the stored one matches and the outputs exist.
// Content hashing survives `git checkout` and clock skew, and a dependant's fingerprint includes
// its dependencies' fingerprints, so editing core rebuilds every package that compiles against it.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const STAMP = '.build-stamp.json';
const buildScriptsDir = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** Every file under `path` (a file or a directory), sorted, as absolute paths. */
function filesUnder(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => filesUnder(join(path, entry.name)));
}

/** The tsconfig file and every local file it `extends`, in order. */
function tsconfigChain(file, seen = new Set()) {
  if (seen.has(file) || !existsSync(file)) return [];
  seen.add(file);
  let extended;
  try {
    extended = JSON.parse(readFileSync(file, 'utf8')).extends;
  } catch {
    return [file]; // JSON with comments: its text is still hashed; a commented file's parents are not followed
  }
  const parents = (Array.isArray(extended) ? extended : [extended])
    .filter((p) => typeof p === 'string' && p.startsWith('.'))
    .flatMap((p) => tsconfigChain(resolve(dirname(file), p), seen));
  return [file, ...parents];
}

/** The directories and files tsconfig.build.json compiles (`include`, default `src`). */
function sourceRoots(dir) {
  try {
    const include = JSON.parse(readFileSync(join(dir, 'tsconfig.build.json'), 'utf8')).include;
    if (Array.isArray(include) && include.every((p) => typeof p === 'string' && !/[*?]/.test(p))) {
      return include.map((p) => join(dir, p));
    }
  } catch {
    // falls back to src below
  }
  return [join(dir, 'src')];
}

/**
 * The fingerprint of one package (a hex SHA-256 string) over: the TypeScript version, the build
 * scripts, the root package-lock.json (type packages it pins), the package's package.json, its
 * tsconfig chain, its sources, and `depFingerprints` (name -> fingerprint of each workspace dependency).
 */
export function fingerprint(root, pkg, depFingerprints) {
  const hash = createHash('sha256');
  const add = (label, data) => hash.update(`${label}\0${data.length}\0`).update(data);
  add('typescript', require('typescript/package.json').version);
  const files = [
    ...filesUnder(buildScriptsDir),
    join(root, 'package-lock.json'),
    join(pkg.dir, 'package.json'),
    ...tsconfigChain(join(pkg.dir, 'tsconfig.build.json')),
    ...sourceRoots(pkg.dir).flatMap(filesUnder),
  ];
  for (const file of files) {
    add(relative(root, file), existsSync(file) ? readFileSync(file) : Buffer.alloc(0));
  }
  for (const dep of pkg.deps) add(`dep ${dep}`, depFingerprints.get(dep) ?? 'unbuilt');
  return hash.digest('hex');
}

/** The outputs a build must leave: both module-type markers and the files package.json points at. */
export function expectedOutputs(pkg) {
  const entries = [pkg.manifest.main, pkg.manifest.module, pkg.manifest.types].filter(
    (p) => typeof p === 'string' && p.replace(/^\.\//, '').startsWith('dist/'),
  );
  return [join('dist', 'esm', 'package.json'), join('dist', 'cjs', 'package.json'), ...entries].map((p) =>
    join(pkg.dir, p),
  );
}

/** Whether `pkg`'s dist/ was built from inputs with this fingerprint and still has its outputs. */
export function isFresh(pkg, print) {
  const stamp = join(pkg.dir, 'dist', STAMP);
  try {
    if (JSON.parse(readFileSync(stamp, 'utf8')).fingerprint !== print) return false;
  } catch {
    return false;
  }
  return expectedOutputs(pkg).every((file) => existsSync(file));
}

/** The stamp file's name and content for a finished build (written last, so a failed build has none). */
export function stampFile(print) {
  return { name: STAMP, content: JSON.stringify({ fingerprint: print }) + '\n' };
}
