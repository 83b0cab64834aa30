import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * Starts a throwaway PostgreSQL for tests: initdb in a temp dir, `postgres` on a free
 * loopback port with its socket in that dir. As root (initdb refuses root) both run as the
 * unprivileged `postgres` system user. Stopped by PID, temp dir removed.
 */
export interface PostgresServer {
  connectionString: string;
  port: number;
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

/** The uid/gid to run the server as: our own, or the `postgres` user when we are root. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(
      'Running as root, and initdb refuses root: the unprivileged `postgres` user is needed. ' +
        'Install the Debian package `postgresql` (it creates that user), or set DATABASE_URL.',
    );
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function run(command: string, args: string[], user: { uid: number; gid: number } | undefined): void {
  const result = spawnSync(command, args, { encoding: 'utf8', ...(user ?? {}) });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
  }
}

async function waitUntilReady(connectionString: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited (${child.exitCode}): ${log()}`);
    const client = new pg.Client({ connectionString });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections: ${String(error)}\n${log()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function startPostgres(): Promise<PostgresServer> {
  const { initdb, postgres } = findBinaries();
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-pg-'));
  const dataDir = join(dir, 'data');
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chmodSync(dir, 0o700);
  }
  const superuser = user ? 'postgres' : userInfo().username;
  try {
    run(initdb, ['-D', dataDir, '-U', superuser, '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync'], user);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const statStatements = existsSync(join(postgres, '..', '..', 'lib', 'pg_stat_statements.so'));
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
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
      await waitUntilReady(connectionString, child, () => stderr);
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
      pid,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        // SIGINT: fast shutdown (disconnects clients); SIGKILL only if it hangs.
        if (child.exitCode === null) process.kill(pid, 'SIGINT');
        if (!(await waitForExit(child, 10_000))) {
          process.kill(pid, 'SIGKILL');
          await waitForExit(child, 5_000);
        }
        process.removeListener('exit', kill);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
