import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

async function startOnce(extraArgs: (port: number) => Promise<string[]>): Promise<RedisProcess | undefined> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-redis-'));
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--save', '',
    '--appendonly', 'no',
    '--dir', dir,
    '--daemonize', 'no',
    '--logfile', '',
    ...(await extraArgs(port)),
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
    if (/Address already in use/i.test(log)) return undefined;
    throw new Error(`redis-server failed to start: ${(error as Error).message}\n${log}`);
  }
  return { port, pid: child.pid!, dir, stop };
}

/**
 * Starts `redis-server` on a free loopback port in a fresh temp dir, without persistence.
 * `extraArgs` may reserve more ports (e.g. the Cluster bus).
 */
export async function startRedisProcess(extraArgs: (port: number) => Promise<string[]> = async () => []): Promise<RedisProcess> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const started = await startOnce(extraArgs);
    if (started !== undefined) return started;
  }
  throw new Error('redis-server could not bind a free port after 5 attempts');
}
