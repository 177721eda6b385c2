// Shared by `npm start` and `npm test`: install what is missing, with no dependencies of its own
// (it runs before node_modules exists on a fresh clone).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) {
    console.error(`\n${cmd} ${args.join(' ')} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

/**
 * `npm ci` when node_modules was not installed from the current package-lock.json. The lock's
 * digest is recorded after a successful install (file times are not reliable: `npm install`
 * writes the lock after node_modules, and a checkout sets times arbitrarily).
 */
export function ensureDependencies() {
  const marker = join(root, 'node_modules', '.ill-lock-digest');
  const digest = createHash('sha256').update(readFileSync(join(root, 'package-lock.json'))).digest('hex');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === digest) return;
  console.log('Installing npm dependencies (npm ci)...');
  run('npm', ['ci', '--no-audit', '--no-fund']);
  writeFileSync(marker, `${digest}\n`);
}

function onPath(bin) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin'];
  return dirs.some((d) => d && existsSync(join(d, bin)));
}

let aptUpdated = false;

/** A Debian package, as root through apt-get; false when that cannot be done here. */
function aptInstall(pkg) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !onPath('apt-get')) return false;
  console.log(`Installing ${pkg} (apt-get)...`);
  if (!aptUpdated) run('apt-get', ['update', '-qq']);
  aptUpdated = true;
  run('apt-get', ['install', '-y', '-qq', pkg], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return true;
}

/** The private Redis needs Debian's redis-server unless REDIS_URL points elsewhere. */
export function ensureRedisServer() {
  if (process.env.REDIS_URL || onPath(process.env.REDIS_SERVER_BIN ?? 'redis-server')) return;
  if (aptInstall('redis-server')) return;
  console.error(
    'redis-server is not installed. Install it with `sudo apt-get install -y redis-server`,\n' +
      'or set REDIS_URL to a Redis server you run yourself.',
  );
  process.exit(1);
}

/** The staff interface's browser tests need Debian's chromium unless CHROMIUM_PATH names another. */
export function ensureChromium() {
  if (process.env.CHROMIUM_PATH ? existsSync(process.env.CHROMIUM_PATH) : onPath('chromium')) return;
  if (aptInstall('chromium')) return;
  console.error('chromium is not installed (the browser tests need it). Install it with `sudo apt-get install -y chromium`, or set CHROMIUM_PATH.');
  process.exit(1);
}

/** The server (tsc into dist/) and the staff interface (Vite into dist/web). */
export function build() {
  run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json']);
  buildWeb();
}

export function buildWeb() {
  run(join(root, 'node_modules', '.bin', 'vite'), ['build', 'web', '--logLevel', 'warn']);
}


/** The command-line tools: build, then run the compiled entry with the given arguments and its exit code. */
export function buildAndRun(entry, args) {
  ensureDependencies();
  build();
  const result = spawnSync(process.execPath, [join(root, 'dist', entry), ...args], { stdio: 'inherit', cwd: root });
  process.exit(result.status ?? 1);
}
