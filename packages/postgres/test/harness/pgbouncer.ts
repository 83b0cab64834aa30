import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, serverUser, stopChild, waitUntilAnswering } from './processes';

/**
 * Starts a throwaway PgBouncer (Debian's `pgbouncer`) in front of a PostgreSQL for tests:
 * config and auth file in a temp dir, a free loopback port, no Unix socket. As root it runs
 * as the unprivileged `postgres` user (pgbouncer refuses root). Stopped by PID, dir removed.
 */
export interface PgBouncer {
  /** Connects through the pooler, as `user` with `password`. */
  connectionString: string;
  /** Same pooler, same user, a wrong password. */
  wrongPasswordConnectionString: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export interface PgBouncerOptions {
  /** The PostgreSQL behind it (its superuser logs in without a password). */
  upstream: { port: number; user: string };
  poolMode: 'transaction' | 'session';
  /** Server connections per database/user pair. Default 4: fewer than the app's pool, as in production. */
  poolSize?: number;
}

const INSTALL_HINT =
  'pgbouncer was not found. Install the Debian package `pgbouncer` ' +
  '(run `bash scripts/ensure-pgbouncer.sh`, or `apt-get install pgbouncer`), or put it on PATH.';

function findPgBouncer(): string {
  const candidates = ['/usr/sbin', '/usr/bin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')];
  for (const dir of candidates) {
    const file = join(dir, 'pgbouncer');
    if (dir && existsSync(file)) return file;
  }
  throw new Error(INSTALL_HINT);
}

export async function startPgBouncer(options: PgBouncerOptions): Promise<PgBouncer> {
  const binary = findPgBouncer();
  const runAs = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-pgbouncer-'));
  const { user } = options.upstream;
  const password = 'sluice-test-password';
  const port = await freePort();
  const config = join(dir, 'pgbouncer.ini');
  writeFileSync(join(dir, 'userlist.txt'), `"${user}" "${password}"\n`);
  writeFileSync(
    config,
    [
      '[databases]',
      `* = host=127.0.0.1 port=${options.upstream.port}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = scram-sha-256',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      `pool_mode = ${options.poolMode}`,
      `default_pool_size = ${options.poolSize ?? 4}`,
      'max_client_conn = 200',
      `pidfile = ${join(dir, 'pgbouncer.pid')}`,
      // pg sends these at startup; without this PgBouncer refuses the connection.
      'ignore_startup_parameters = extra_float_digits,options',
      '',
    ].join('\n'),
  );
  if (runAs) {
    for (const file of [dir, config, join(dir, 'userlist.txt')]) chownSync(file, runAs.uid, runAs.gid);
  }
  chmodSync(dir, 0o700);
  const child = spawn(binary, [config], { stdio: ['ignore', 'ignore', 'pipe'], ...(runAs ?? {}) });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const pid = child.pid;
  if (pid === undefined) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not spawn ${binary}`);
  }
  const kill = () => {
    if (child.exitCode === null) process.kill(pid, 'SIGKILL');
  };
  process.once('exit', kill);
  const url = (secret: string) => `postgres://${encodeURIComponent(user)}:${secret}@127.0.0.1:${port}/postgres`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // SIGTERM: immediate shutdown (SIGINT would wait for clients to leave).
    await stopChild(child, 'SIGTERM', 10_000);
    process.removeListener('exit', kill);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilAnswering('pgbouncer', url(password), child, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return { connectionString: url(password), wrongPasswordConnectionString: url('wrong'), port, pid, stop };
}
