// Shared by `npm start` and `npm test`: install what is missing, with no dependencies of its own
// (it runs before node_modules exists on a fresh clone).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) {
    console.error(`\n${cmd} ${args.join(' ')} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

/** `npm ci` when node_modules is missing or older than package-lock.json. */
export function ensureDependencies() {
  const installed = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('Installing npm dependencies (npm ci)...');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

function onPath(bin) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin'];
  return dirs.some((d) => d && existsSync(join(d, bin)));
}

/** The private Redis needs Debian's redis-server unless REDIS_URL points elsewhere. */
export function ensureRedisServer() {
  if (process.env.REDIS_URL || onPath(process.env.REDIS_SERVER_BIN ?? 'redis-server')) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && onPath('apt-get')) {
    console.log('Installing redis-server (apt-get)...');
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', 'redis-server'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    return;
  }
  console.error(
    'redis-server is not installed. Install it with `sudo apt-get install -y redis-server`,\n' +
      'or set REDIS_URL to a Redis server you run yourself.',
  );
  process.exit(1);
}

export function build() {
  run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json']);
}

