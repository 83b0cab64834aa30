// The workspace as the build sees it: which packages it builds (those with a
// tsconfig.build.json) and in what order (every workspace dependency before its dependants).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

/** Reads a JSON file; undefined when it is missing. */
export function readJson(file) {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

/**
 * Lists the root's workspaces (plain paths, as this repository writes them; no globs) as
 * `{ dir, name, buildable, deps }`, where `deps` holds the names of workspace packages this one
 * depends on in any dependency field and `buildable` says it has a tsconfig.build.json.
 */
export function readWorkspace(root) {
  const manifest = readJson(join(root, 'package.json'));
  const entries = (manifest?.workspaces ?? [])
    .map((path) => resolve(root, path))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: readJson(join(dir, 'package.json')) }));
  const names = new Set(entries.map((e) => e.manifest.name));
  return entries.map(({ dir, manifest: pkg }) => ({
    dir,
    name: pkg.name,
    manifest: pkg,
    buildable: existsSync(join(dir, 'tsconfig.build.json')),
    deps: [...new Set(DEPENDENCY_FIELDS.flatMap((field) => Object.keys(pkg[field] ?? {})))]
      .filter((dep) => names.has(dep) && dep !== pkg.name)
      .sort(),
  }));
}

/**
 * The buildable packages needed for `targets` (packages of the workspace; a target that is not
 * buildable itself, such as examples/, contributes its dependencies), dependencies first.
 * Throws on a dependency cycle, naming it.
 */
export function buildOrder(packages, targets) {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const order = [];
  const state = new Map(); // name -> 'visiting' | 'done'
  const visit = (pkg, path) => {
    if (state.get(pkg.name) === 'done') return;
    if (state.get(pkg.name) === 'visiting') {
      throw new Error(`workspace dependency cycle: ${[...path, pkg.name].join(' -> ')}`);
    }
    state.set(pkg.name, 'visiting');
    for (const dep of pkg.deps) visit(byName.get(dep), [...path, pkg.name]);
    state.set(pkg.name, 'done');
    if (pkg.buildable) order.push(pkg);
  };
  for (const target of targets) visit(target, []);
  return order;
}
