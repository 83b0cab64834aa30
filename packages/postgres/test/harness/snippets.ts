import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';

export const REPO = join(__dirname, '..', '..', '..', '..');

export interface Snippet {
  /** Where it comes from, e.g. `docs/postgres.md, block 2`. */
  where: string;
  code: string;
  /** Names of the limiters it makes (`const <name> = createLimiter(`). */
  limiters: string[];
}

/** The ```ts blocks of a Markdown file (or of one of its `## ` sections) that make a PostgresStore. */
export function storeSnippets(file: string, section?: string): Snippet[] {
  let text = readFileSync(join(REPO, file), 'utf8');
  if (section !== undefined) {
    const start = text.indexOf(`\n## ${section}`);
    if (start === -1) throw new Error(`${file} has no section "${section}"`);
    const end = text.indexOf('\n## ', start + 1);
    text = text.slice(start, end === -1 ? undefined : end);
  }
  const blocks = [...text.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((match) => match[1]!);
  return blocks.flatMap((code, index) =>
    code.includes('new PostgresStore(')
      ? [{ where: `${file}${section ? ` (${section})` : ''}, ts block ${index + 1}`, code, limiters: [...code.matchAll(/const (\w+) = createLimiter\(/g)].map((m) => m[1]!) }]
      : [],
  );
}

/**
 * After the snippet, a probe peeks at every limiter every 100 ms and prints one JSON line
 * per answer; the first time a limiter's store answers, it sends limit + 1 consumes at one
 * instant (`nowMs`, so refills cannot blur the count) and prints how many were admitted.
 */
function probe(limiters: string[]): string {
  return `
const __limiters = { ${limiters.join(', ')} };
const __done = new Set();
setInterval(async () => {
  for (const [name, limiter] of Object.entries(__limiters)) {
    if (__done.has(name)) continue;
    const d = await limiter.peek('probe');
    console.log(JSON.stringify({ name, event: 'decision', decidedBy: d.decidedBy }));
    if (d.decidedBy !== 'store') continue;
    __done.add(name);
    const limit = Math.min(...limiter.policies.map((p) => p.limit));
    const nowMs = Date.now();
    const burst = [];
    for (let i = 0; i <= limit; i++) burst.push(await limiter.consume('burst', { nowMs }));
    console.log(JSON.stringify({ name, event: 'burst', limit, admitted: burst.filter((x) => x.allowed).length,
      deciders: [...new Set(burst.map((x) => x.decidedBy))] }));
  }
}, 100);
`;
}

export interface RunningSnippet {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stderr(): string;
  /** Resolves once `predicate` holds for the lines seen so far; rejects after `timeoutMs` or if the app exits. */
  until(predicate: (lines: Record<string, unknown>[]) => boolean, what: string, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs a snippet as an ES module with Node, against the built packages (through a
 * node_modules link to the repo's), with the given environment.
 */
export function runSnippet(snippet: Snippet, env: Record<string, string>): RunningSnippet {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-snippet-'));
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const js = ts.transpileModule(snippet.code + probe(snippet.limiters), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const file = join(dir, 'snippet.mjs');
  writeFileSync(file, js);
  const child = spawn(process.execPath, [file], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    let newline: number;
    while ((newline = stdout.indexOf('\n')) !== -1) {
      const line = stdout.slice(0, newline);
      stdout = stdout.slice(newline + 1);
      if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return {
    child,
    lines,
    stderr: () => stderr,
    until: (predicate, what, timeoutMs) =>
      new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const check = () => {
          if (predicate(lines)) return resolve();
          if (child.exitCode !== null) return reject(new Error(`${snippet.where}: the app exited (${child.exitCode}) before ${what}:\n${stderr}`));
          if (Date.now() > deadline) return reject(new Error(`${snippet.where}: no ${what} within ${timeoutMs} ms:\n${stderr.slice(-2000)}`));
          setTimeout(check, 50);
        };
        check();
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        process.kill(child.pid, 'SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
