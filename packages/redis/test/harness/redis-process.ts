import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { redisBinary } from './redis-binaries.js';
import { rawCommand } from './redis-command.js';
import { waitUntil } from './wait.js';

export interface RedisProcess {
  readonly port: number;
  readonly pid: number;
  readonly dir: string;
  /** SIGTERM (SIGKILL after 5 s) by PID, then removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// A worker that exits without running afterAll still takes its servers down with it.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stopProcess(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    process.kill(child.pid, 'SIGTERM');
    const killer = setTimeout(() => child.pid !== undefined && child.kill('SIGKILL'), 5000);
    await exited(child);
    clearTimeout(killer);
  }
  running.delete(child);
  rmSync(dir, { recursive: true, force: true });
}

export interface RedisProcessOptions {
  /** Listen on this port (e.g. one a client is already retrying); default: a free one. */
  port?: number;
  /** More arguments, given the chosen port (e.g. to reserve a Cluster bus port). */
  extraArgs?: (port: number) => Promise<string[]>;
  /** Runs a Sentinel: the lines of its config file (Sentinel rewrites it, so it lives in the temp dir). */
  sentinelConfig?: readonly string[];
}

async function startOnce(options: RedisProcessOptions): Promise<RedisProcess | undefined> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'sluice-redis-'));
  // A Sentinel needs a config file it can rewrite and takes no persistence options.
  let modeArgs = ['--save', '', '--appendonly', 'no'];
  if (options.sentinelConfig !== undefined) {
    const file = join(dir, 'sentinel.conf');
    writeFileSync(file, options.sentinelConfig.join('\n') + '\n');
    modeArgs = [file, '--sentinel'];
  }
  const args = [
    ...modeArgs,
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--daemonize', 'no',
    '--logfile', '',
    ...(await (options.extraArgs?.(port) ?? Promise.resolve([]))),
  ];
  const child = spawn(redisBinary('redis-server'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const stop = () => stopProcess(child, dir);
  try {
    await waitUntil(
      async () => {
        if (child.exitCode !== null) throw new Error('exited');
        return (await rawCommand(port, 'PING')).startsWith('+PONG');
      },
      10_000,
      `redis-server on port ${port} did not answer PING`,
    );
  } catch (error) {
    await stop();
    // Another process took the port between freePort() and the bind: try another one.
    if (/Address already in use/i.test(log) && options.port === undefined) return undefined;
    throw new Error(`redis-server failed to start: ${(error as Error).message}\n${log}`);
  }
  return { port, pid: child.pid!, dir, stop };
}

/** Starts `redis-server` (or a Sentinel) on a free loopback port in a fresh temp dir, without persistence. */
export async function startRedisProcess(options: RedisProcessOptions = {}): Promise<RedisProcess> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const started = await startOnce(options);
    if (started !== undefined) return started;
  }
  throw new Error('redis-server could not bind a free port after 5 attempts');
}
