import { startRedisProcess, type RedisProcess } from './redis-process.js';
import { waitUntil } from './wait.js';

/**
 * Outages of a server process the harness started, by its PID: kill it, freeze it, bring it back.
 * Only processes this harness started are ever signalled.
 */

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILL by PID, resolved once the process is gone (Node reaps its own children). */
export async function killProcess(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  await waitUntil(async () => !alive(pid), 10_000, `process ${pid} survived SIGKILL`);
}

/** SIGSTOP: the process keeps its sockets open but answers nothing (a hung server). */
export function freezeProcess(pid: number): void {
  process.kill(pid, 'SIGSTOP');
}

/** SIGCONT; harmless on a process that is not stopped or already gone. */
export function thawProcess(pid: number): void {
  if (alive(pid)) process.kill(pid, 'SIGCONT');
}

/**
 * A `redis-server` started again on `server`'s port with `server`'s dir (the later `--dir`
 * wins), after `server` was killed. The caller stops both (this one first).
 */
export function restartRedis(server: RedisProcess): Promise<RedisProcess> {
  return startRedisProcess({ port: server.port, extraArgs: async () => ['--dir', server.dir] });
}
