import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { PostgresServer } from './postgres-server';
import { serverUser, stopChild, waitUntilAnswering } from './processes';

const run = promisify(execFile);

/**
 * Outages of a PostgreSQL cluster that startPostgres() started: fast stop with `pg_ctl` and a
 * restart on the same port and data directory, or every process of the cluster frozen
 * (SIGSTOP) and thawed. Only that cluster's processes are ever signalled, by PID.
 */
export interface PostgresOutages {
  /** PID of the running postmaster (changes on restart). */
  readonly pid: number;
  /** `pg_ctl stop -m fast`: clients are disconnected, the server exits. */
  fastStop(): Promise<void>;
  /** The postmaster again, same binary, arguments, port and data directory; resolves once it answers. */
  restart(): Promise<void>;
  /** SIGSTOP to the postmaster and every backend and auxiliary process it forked. */
  freeze(): void;
  /** SIGCONT to them (harmless when not frozen). */
  thaw(): void;
  /** Stops a restarted postmaster, then the harness's server (removes its directory). */
  stop(): Promise<void>;
}

/** The command line a process was started with (Linux /proc). */
function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
}

/** PIDs whose parent is `parent` (a postmaster's backends and auxiliary processes). */
function childrenOf(parent: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces and parentheses): state, ppid, ...
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) children.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return children;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // exited meanwhile
  }
}

export function postgresOutages(server: PostgresServer): PostgresOutages {
  const [binary, ...args] = commandLine(server.pid);
  if (binary === undefined) throw new Error(`no command line for postmaster ${server.pid}`);
  const dataDir = args[args.indexOf('-D') + 1];
  if (dataDir === undefined) throw new Error('the postmaster was started without -D');
  const pgCtl = join(dirname(binary), 'pg_ctl');
  // initdb, postgres and pg_ctl refuse root: the harness runs them as the postgres user then.
  const user = serverUser();
  let pid = server.pid;
  let restarted: ChildProcess | undefined;
  let frozen: number[] = [];

  return {
    get pid() {
      return pid;
    },
    async fastStop() {
      await run(pgCtl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '20'], { timeout: 30_000, ...(user ?? {}) });
    },
    async restart() {
      let log = '';
      const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'], ...(user ?? {}) });
      child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
      if (child.pid === undefined) throw new Error(`could not spawn ${binary}`);
      restarted = child;
      pid = child.pid;
      // A worker that exits without afterAll still takes its server down with it.
      process.once('exit', () => child.exitCode === null && child.kill('SIGKILL'));
      await waitUntilAnswering('postgres (restarted)', server.connectionString, child, () => log);
    },
    freeze() {
      // The postmaster first, so it forks nothing new while its children are being stopped.
      signal(pid, 'SIGSTOP');
      frozen = [pid, ...childrenOf(pid)];
      for (const each of frozen.slice(1)) signal(each, 'SIGSTOP');
    },
    thaw() {
      for (const each of frozen) signal(each, 'SIGCONT');
      frozen = [];
    },
    async stop() {
      this.thaw();
      if (restarted !== undefined) await stopChild(restarted, 'SIGINT', 10_000);
      await server.stop();
    },
  };
}
