import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const INSTALL_ADVICE =
  'Install the Debian package `redis-server` (it brings redis-cli): run `sudo scripts/ensure-redis.sh` ' +
  'from the repository root, or `sudo apt-get install -y redis-server`. ' +
  'Or point the tests at running servers with REDIS_URL (and REDIS_CLUSTER_NODES for a Cluster).';

function findOnPath(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/bin', '/usr/local/bin', '/usr/sbin']);
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** The path of `redis-server` or `redis-cli`, or an error that says exactly what to install. */
export function redisBinary(name: 'redis-server' | 'redis-cli'): string {
  const path = findOnPath(name);
  if (path === undefined) throw new Error(`\`${name}\` was not found on PATH. ${INSTALL_ADVICE}`);
  return path;
}
