// Compiles one package twice, in this process, with the TypeScript API: dist/esm (ES modules)
// and dist/cjs (CommonJS), each with its .d.ts files and a one-line package.json telling Node
// which module system the folder uses. Same result as `tsc -p tsconfig.build.json --outDir ...
// --module ...`, but lib and node_modules declaration files are parsed once per module kind for
// the whole run instead of once per tsc process (the bulk of a cold build).
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const ts = require('typescript');

export const VARIANTS = [
  { dir: 'esm', type: 'module', options: { module: ts.ModuleKind.ES2022, moduleResolution: ts.ModuleResolutionKind.Bundler } },
  { dir: 'cjs', type: 'commonjs', options: { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 } },
];

// variant dir -> (cache key -> SourceFile). Only files under node_modules are shared: workspace
// sources and dists change during a run (a dependency is rebuilt before its dependants read it).
const sourceFileCache = new Map(VARIANTS.map((v) => [v.dir, new Map()]));

function cachingHost(options, variant) {
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const cache = sourceFileCache.get(variant.dir);
  host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreate) => {
    if (!fileName.includes('/node_modules/')) {
      return getSourceFile(fileName, languageVersionOrOptions, onError, shouldCreate);
    }
    const o = typeof languageVersionOrOptions === 'object' ? languageVersionOrOptions : { languageVersion: languageVersionOrOptions };
    const key = `${o.languageVersion}|${o.impliedNodeFormat}|${fileName}`;
    let file = cache.get(key);
    if (file === undefined) {
      file = getSourceFile(fileName, languageVersionOrOptions, onError, shouldCreate);
      if (file !== undefined) cache.set(key, file);
    }
    return file;
  };
  return host;
}

const formatHost = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => process.cwd(),
  getNewLine: () => '\n',
};

/** Compiles one variant into `outDir`; returns the error diagnostics (none on success). */
function compileVariant(dir, variant, outDir) {
  const errors = [];
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(dir, 'tsconfig.build.json'),
    { ...variant.options, outDir },
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => errors.push(d) },
  );
  if (parsed === undefined) return errors;
  if (parsed.errors.length > 0) return parsed.errors;
  const program = ts.createProgram({
    rootNames: parsed.fileNames,
    options: parsed.options,
    projectReferences: parsed.projectReferences,
    host: cachingHost(parsed.options, variant),
  });
  const emitted = program.emit();
  return [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics].filter(
    (d) => d.category === ts.DiagnosticCategory.Error,
  );
}

/**
 * Replaces `target` by `staging` with two renames. Another build of the same package (two
 * terminals, or a test building while `npm test` does) may put its own dist/ back between them:
 * then move that one aside too and retry, so the last build to finish wins and neither fails.
 */
function swapInto(staging, target, aside) {
  for (let attempt = 1; ; attempt++) {
    rmSync(aside, { recursive: true, force: true });
    try {
      renameSync(target, aside);
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
    try {
      renameSync(staging, target);
      rmSync(aside, { recursive: true, force: true });
      return;
    } catch (error) {
      if (!['ENOTEMPTY', 'EEXIST'].includes(error.code) || attempt === 5) throw error;
    }
  }
}

/**
 * Builds `dir`'s dist/ from its tsconfig.build.json. Output goes to a sibling temporary folder
 * that replaces dist/ only once both variants compiled, so a failed build leaves the old dist/
 * untouched and a reader never sees a half-written one. `extraFiles` ({ name, content }) are written
 * into dist/ before the swap (the freshness stamp). Returns the formatted errors, or '' on success.
 */
export function compilePackage(dir, extraFiles = []) {
  const staging = join(dir, `.dist-building-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const variant of VARIANTS) {
      const outDir = join(staging, variant.dir);
      const errors = compileVariant(dir, variant, outDir);
      if (errors.length > 0) return `${variant.dir}:\n${ts.formatDiagnosticsWithColorAndContext(errors, formatHost)}`;
      mkdirSync(outDir, { recursive: true });
      writeFileSync(join(outDir, 'package.json'), JSON.stringify({ type: variant.type }) + '\n');
    }
    for (const file of extraFiles) writeFileSync(join(staging, file.name), file.content);
    swapInto(staging, join(dir, 'dist'), join(dir, `.dist-old-${process.pid}`));
    return '';
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
