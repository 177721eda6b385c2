/**
 * A private `redis-server` (the Debian package) for the embedded mode and for tests.
 *
 * Without REDIS_URL the app starts one on a free loopback port with its data under
 * `<dataDir>/redis` and append-only persistence, so queued jobs survive a restart. A second
 * process of the same installation (`npm run workers`) finds it through `redis.json` in that
 * folder and attaches instead of starting another one; only the owner stops it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { delimiter, join } from 'node:path';

export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** True when this process started the server (and must stop it). */
  readonly owned: boolean;
  stop(): Promise<void>;
}

export class RedisBinaryMissing extends Error {
  constructor(bin: string) {
    super(
      `redis-server was not found (looked for "${bin}"). Install it with ` +
        '`sudo apt-get install -y redis-server`, set REDIS_SERVER_BIN to its path, ' +
        'or set REDIS_URL to use a Redis server you run yourself.',
    );
    this.name = 'RedisBinaryMissing';
  }
}

export interface StartRedisOptions {
  /** Folder for the append-only file; omit for a throw-away server without persistence. */
  readonly dataDir?: string;
  readonly bin?: string;
  readonly startTimeoutMs?: number;
}

export function findRedisBinary(bin = 'redis-server'): string | undefined {
  if (bin.includes('/')) return existsSync(bin) ? bin : undefined;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin'];
  return dirs.filter((d) => d !== '').map((d) => join(d, bin)).find((p) => existsSync(p));
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Answers true when something on the port replies +PONG to a PING. */
export function pingRedis(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => done(chunk.toString().startsWith('+PONG')));
  });
}

export async function startRedisServer(options: StartRedisOptions = {}): Promise<PrivateRedis> {
  const bin = findRedisBinary(options.bin);
  if (!bin) throw new RedisBinaryMissing(options.bin ?? 'redis-server');
  const persistence = options.dataDir
    ? ['--dir', options.dataDir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '']
    : ['--appendonly', 'no', '--save', ''];
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });

  let lastError = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freeLoopbackPort();
    const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'no', '--protected-mode', 'yes', ...persistence], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
    child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
    const ready = await waitUntilReady(child, port, options.startTimeoutMs ?? 10_000);
    if (ready) return { url: `redis://127.0.0.1:${port}`, port, owned: true, stop: () => stopChild(child) };
    lastError = output.trim().split('\n').slice(-3).join(' | ');
    await stopChild(child);
  }
  throw new Error(`redis-server did not start: ${lastError}`);
}

async function waitUntilReady(child: ChildProcess, port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    if (await pingRedis(port, 200)) return true;
    await new Promise((r) => setTimeout(r, 30));
  }
  return false;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM'); // redis-server flushes the append-only file on SIGTERM
  });
}

/**
 * The embedded-mode Redis for one installation: attach to the one already running for this
 * data folder, or start it.
 */
export async function ensurePrivateRedis(dataDir: string, bin?: string): Promise<PrivateRedis> {
  const dir = join(dataDir, 'redis');
  const marker = join(dir, 'redis.json');
  const running = readMarker(marker);
  if (running && isAlive(running.pid) && (await pingRedis(running.port))) {
    return { url: `redis://127.0.0.1:${running.port}`, port: running.port, owned: false, stop: async () => {} };
  }
  const server = await startRedisServer({ dataDir: dir, ...(bin ? { bin } : {}) });
  // The owner's pid, not redis-server's: the server lives exactly as long as its owner does.
  writeFileSync(marker, JSON.stringify({ port: server.port, pid: process.pid }));
  return {
    ...server,
    stop: async () => {
      await server.stop();
      rmSync(marker, { force: true });
    },
  };
}

function readMarker(path: string): { port: number; pid: number } | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { port?: unknown; pid?: unknown };
    return typeof parsed.port === 'number' && typeof parsed.pid === 'number' ? { port: parsed.port, pid: parsed.pid } : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
