// The build's driver: which packages to build, in what order, skipping fresh ones.
import { realpathSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fingerprint, isFresh, stampFile } from './fingerprint.mjs';
import { buildOrder, readWorkspace } from './workspace.mjs';

function parseArgs(argv) {
  const args = { force: false, dryRun: false, root: join(dirname(fileURLToPath(import.meta.url)), '..', '..'), targets: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--force') args.force = true;
    else if (arg === '--dry-run') args.dryRun = true;
    else if (arg === '--root') args.root = argv[++i];
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else args.targets.push(arg);
  }
  if (typeof args.root !== 'string') throw new Error('--root needs a directory');
  return args;
}

/**
 * Runs the build for command-line arguments `argv` (see scripts/build.mjs). Resolves with the
 * exit code: 0 when every package needed is up to date or built, 1 when one failed.
 */
export async function runBuild(argv) {
  const started = performance.now();
  const args = parseArgs(argv);
  const root = resolve(args.root);
  const packages = readWorkspace(root);
  const real = (dir) => realpathSync(resolve(dir));
  const targets =
    args.targets.length === 0
      ? packages
      : args.targets.map((target) => {
          const pkg = packages.find((p) => real(p.dir) === real(target));
          if (pkg === undefined) throw new Error(`${target} is not a workspace of ${root}`);
          return pkg;
        });
  const order = buildOrder(packages, targets);

  const prints = new Map(); // name -> fingerprint of what dist/ holds (or will hold)
  const failed = new Set();
  let built = 0;
  let stale = 0;
  let compile;
  for (const pkg of order) {
    const label = relative(root, pkg.dir) || '.';
    const blockedBy = pkg.deps.filter((dep) => failed.has(dep));
    if (blockedBy.length > 0) {
      failed.add(pkg.name);
      console.error(`${label}: not built, its dependency ${blockedBy.join(', ')} failed`);
      continue;
    }
    const print = fingerprint(root, pkg, prints);
    prints.set(pkg.name, print);
    if (!args.force && isFresh(pkg, print)) continue;
    stale++;
    if (args.dryRun) {
      console.log(`${label}: stale`);
      continue;
    }
    const t0 = performance.now();
    compile ??= (await import('./compile.mjs')).compilePackage;
    const errors = compile(pkg.dir, [stampFile(print)]);
    if (errors !== '') {
      failed.add(pkg.name);
      console.error(errors);
      console.error(`${label}: build failed; TypeScript's errors are above`);
      continue;
    }
    built++;
    console.log(`${label}: built (esm + cjs) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const outcome = args.dryRun ? `${stale} stale` : `${built} built${failed.size > 0 ? `, ${failed.size} failed` : ''}`;
  console.log(`build: ${order.length} packages, ${outcome}, in ${seconds} s`);
  return failed.size > 0 ? 1 : 0;
}
