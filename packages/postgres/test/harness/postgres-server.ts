import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, serverUser, stopChild, waitForExit, waitUntilAnswering } from './processes';

/**
 * Starts a throwaway PostgreSQL for tests: initdb in a temp dir, `postgres` on a free
 * loopback port with its socket in that dir. As root (initdb refuses root) both run as the
 * unprivileged `postgres` system user. Stopped by PID, temp dir removed.
 *
 * Authentication: the superuser connects without a password (trust); every other role over
 * TCP needs its password (scram-sha-256), so tests can provoke a wrong-password failure.
 */
export interface PostgresServer {
  connectionString: string;
  port: number;
  /** The superuser the connection string names. */
  user: string;
  /** PID of the postmaster this harness started. */
  pid: number;
  stop(): Promise<void>;
}

const INSTALL_HINT =
  'PostgreSQL server binaries (initdb, postgres) were not found. Install the Debian package ' +
  '`postgresql` (run `bash scripts/ensure-postgres.sh`, or `apt-get install postgresql`), ' +
  'or set DATABASE_URL to an existing server.';

function findBinaries(): { initdb: string; postgres: string } {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const version of versions) candidates.push(join(root, version, 'bin'));
  }
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir) candidates.push(dir);
  for (const dir of candidates) {
    const initdb = join(dir, 'initdb');
    const postgres = join(dir, 'postgres');
    if (existsSync(initdb) && existsSync(postgres)) return { initdb, postgres };
  }
  throw new Error(INSTALL_HINT);
}

function run(command: string, args: string[], user: { uid: number; gid: number } | undefined): void {
  const result = spawnSync(command, args, { encoding: 'utf8', ...(user ?? {}) });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
  }
}

/** The superuser a server started here has: `postgres` when we run as root, else our own user name. */
export function superuserName(): string {
  return serverUser() ? 'postgres' : userInfo().username;
}

export interface StartOptions {
  /** Listen on this port (e.g. one a store is already trying to reach). Default: a free one. */
  port?: number;
}

function hbaConf(superuser: string): string {
  return [
    'local all all trust',
    `host all "${superuser}" 127.0.0.1/32 trust`,
    'host all all 127.0.0.1/32 scram-sha-256',
    '',
  ].join('\n');
}

export async function startPostgres(options: StartOptions = {}): Promise<PostgresServer> {
  const { initdb, postgres } = findBinaries();
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-pg-'));
  const dataDir = join(dir, 'data');
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chmodSync(dir, 0o700);
  }
  const superuser = superuserName();
  try {
    run(initdb, ['-D', dataDir, '-U', superuser, '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync'], user);
    writeFileSync(join(dataDir, 'pg_hba.conf'), hbaConf(superuser));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const statStatements = existsSync(join(postgres, '..', '..', 'lib', 'pg_stat_statements.so'));
  let lastError: unknown;
  // A given port is tried once; a free port is retried, as another process may take it first.
  for (let attempt = 0; attempt < (options.port === undefined ? 3 : 1); attempt++) {
    const port = options.port ?? (await freePort());
    const args = [
      '-D', dataDir,
      '-p', String(port),
      '-k', dir,
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off',
      '-c', 'max_connections=200',
      ...(statStatements ? ['-c', 'shared_preload_libraries=pg_stat_statements'] : []),
    ];
    const child = spawn(postgres, args, { stdio: ['ignore', 'ignore', 'pipe'], ...(user ?? {}) });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const pid = child.pid;
    if (pid === undefined) throw new Error(`could not spawn ${postgres}`);
    const kill = () => {
      if (child.exitCode === null) process.kill(pid, 'SIGKILL');
    };
    process.once('exit', kill);
    const connectionString = `postgres://${encodeURIComponent(superuser)}@127.0.0.1:${port}/postgres`;
    try {
      await waitUntilAnswering('postgres', connectionString, child, () => stderr);
    } catch (error) {
      lastError = error;
      kill();
      await waitForExit(child, 5_000);
      process.removeListener('exit', kill);
      continue;
    }
    let stopped = false;
    return {
      connectionString,
      port,
      user: superuser,
      pid,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        // SIGINT: fast shutdown (disconnects clients); SIGKILL only if it hangs.
        await stopChild(child, 'SIGINT', 10_000);
        process.removeListener('exit', kill);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
