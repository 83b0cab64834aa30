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

/**
 * Parses a tsconfig: JSON plus comments and trailing commas, as TypeScript accepts (loading
 * TypeScript itself would cost more than the whole up-to-date check). Undefined when unreadable.
 */
export function readTsconfig(file) {
  const text = readFileSync(file, 'utf8');
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = /"(?:[^"\\]|\\.)*"/y;
      end.lastIndex = i;
      const match = end.exec(text);
      if (match === null) return undefined;
      out += match[0];
      i += match[0].length - 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return undefined;
      i = close + 1;
      out += ' ';
    } else {
      out += c;
    }
  }
  try {
    return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
  } catch {
    return undefined;
  }
}

/** The tsconfig file and every local file it `extends`, in order. */
function tsconfigChain(file, seen = new Set()) {
  if (seen.has(file) || !existsSync(file)) return [];
  seen.add(file);
  const extended = readTsconfig(file)?.extends; // an unreadable file is still hashed, as text
  const parents = (Array.isArray(extended) ? extended : [extended])
    .filter((p) => typeof p === 'string' && p.startsWith('.'))
    .flatMap((p) => tsconfigChain(resolve(dirname(file), p), seen));
  return [file, ...parents];
}

/** The directories and files tsconfig.build.json compiles (`include`, default `src`). */
function sourceRoots(dir) {
  const include = readTsconfig(join(dir, 'tsconfig.build.json'))?.include;
  if (Array.isArray(include) && include.length > 0 && include.every((p) => typeof p === 'string' && !/[*?]/.test(p))) {
    return include.map((p) => join(dir, p));
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
