// Throwaway servers for the bench, on free loopback ports in temp dirs, stopped by their own PIDs.
// (The test harnesses in packages/*/test/harness are TypeScript; these are their small JS siblings.)
import { execFile, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sleep } from './env.mjs';

const started = new Set();
// A bench that dies half-way still takes its servers down.
process.once('exit', () => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
});

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function processCpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // After "pid (comm) ": state is field 0; utime and stime are fields 11 and 12, in clock ticks.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', resolve));
}

async function stopChild(child, signal, dir) {
  if (child.exitCode === null && child.signalCode === null) {
    process.kill(child.pid, signal);
    const killer = setTimeout(() => child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 10_000);
    await exited(child);
    clearTimeout(killer);
  }
  started.delete(child);
  rmSync(dir, { recursive: true, force: true });
}

/** One RESP command over a raw socket (no client library), for readiness probes. */
function rawCommand(port, command) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(2000, () => socket.destroy(new Error('timeout')));
    socket.on('connect', () => socket.write(command + '\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk;
      if (reply.endsWith('\r\n')) socket.end();
    });
    socket.on('close', () => resolve(reply));
    socket.on('error', reject);
  });
}

async function waitFor(check, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline) throw new Error(what);
    await sleep(25);
  }
}

/** redis-server without persistence: `{ port, pid, stop() }`. */
export async function startRedis(extraArgs = []) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs], { stdio: 'ignore' });
  started.add(child);
  child.once('error', (error) => console.error(`redis-server failed to start (${error.message}): bash scripts/ensure-redis.sh`));
  const stop = () => stopChild(child, 'SIGTERM', dir);
  try {
    await waitFor(async () => (await rawCommand(port, 'PING')).startsWith('+PONG'), 10_000, `redis-server on ${port} did not answer`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, pid: child.pid, stop };
}

/** A 3-master Redis Cluster on loopback, ready when every node reports cluster_state:ok. */
export async function startRedisCluster(masters = 3) {
  const nodes = [];
  const stop = () => Promise.all(nodes.map((node) => node.stop()));
  try {
    for (let i = 0; i < masters; i++) {
      const bus = await freePort();
      nodes.push(await startRedis(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000', '--cluster-port', String(bus)]));
    }
    const ports = nodes.map((node) => node.port);
    await promisify(execFile)('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    for (const port of ports) {
      await waitFor(async () => (await rawCommand(port, 'CLUSTER INFO')).includes('cluster_state:ok'), 20_000, `cluster node ${port} not ok`);
    }
    return { ports, pids: nodes.map((n) => n.pid), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function postgresBinaries() {
  const root = '/usr/lib/postgresql';
  const dirs = process.env.PG_BIN ? [process.env.PG_BIN] : [];
  if (existsSync(root)) dirs.push(...readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => b - a).map((v) => join(root, v, 'bin')));
  const bin = dirs.find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'postgres')));
  if (!bin) throw new Error('initdb/postgres not found: bash scripts/ensure-postgres.sh, or set DATABASE_URL.');
  return { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres') };
}

/**
 * PostgreSQL with stock durability (fsync and synchronous_commit on, as in production), sized
 * for this machine. As root, initdb and postgres run as the `postgres` system user.
 * `extraArgs`: more server arguments (e.g. ['-c', 'shared_preload_libraries=pg_stat_statements']).
 * `{ url, pid, stop() }`.
 */
export async function startPostgres(pg, extraArgs = []) {
  const { initdb, postgres } = postgresBinaries();
  const asRoot = process.getuid?.() === 0;
  const id = (flag) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout);
  const user = asRoot ? { uid: id('-u'), gid: id('-g') } : {};
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-pg-'));
  if (asRoot) {
    chownSync(dir, user.uid, user.gid);
    chmodSync(dir, 0o700);
  }
  const superuser = asRoot ? 'postgres' : userInfo().username;
  const init = spawnSync(initdb, ['-D', join(dir, 'data'), '-U', superuser, '-A', 'trust', '--no-sync', '-E', 'UTF8', '--no-locale'], { ...user, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const args = ['-D', join(dir, 'data'), '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=100', '-c', 'shared_buffers=256MB', ...extraArgs];
  const child = spawn(postgres, args, { ...user, stdio: 'ignore' });
  started.add(child);
  const stop = () => stopChild(child, 'SIGINT', dir);
  const url = `postgres://${encodeURIComponent(superuser)}@127.0.0.1:${port}/postgres`;
  try {
    await waitFor(
      async () => {
        const client = new pg.Client({ connectionString: url });
        client.on('error', () => {});
        try {
          await client.connect();
          return true;
        } finally {
          await client.end().catch(() => {});
        }
      },
      20_000,
      'postgres did not accept connections',
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid: child.pid, stop };
}
