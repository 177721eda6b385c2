/**
 * One `redis-server` process (the Debian package) on loopback, for the embedded mode
 * (`private-redis.ts` supervises it) and for tests. With a data folder it keeps an append-only
 * file there, so queued jobs survive a restart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { delimiter, join } from 'node:path';

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** The redis-server process. */
  readonly pid: number;
  /** Settles when the process has exited, whoever ended it. */
  readonly exited: Promise<void>;
  /** Sends SIGTERM without waiting (an exit path that cannot wait); redis-server flushes its file on it. */
  kill(): void;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it has exited. */
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
  /** This port and no other (a restart where clients already connect); omit for a free one. */
  readonly port?: number;
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

/** The `process_id` a Redis on the port reports in INFO, or undefined when none answers. */
export function redisProcessId(port: number, timeoutMs = 500): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (pid: number | undefined) => {
      socket.destroy();
      resolve(pid);
    };
    socket.setTimeout(timeoutMs, () => done(undefined));
    socket.on('error', () => done(undefined));
    socket.on('connect', () => socket.write('INFO server\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.startsWith('-')) return done(undefined); // LOADING: not ready yet
      const match = /\r\nprocess_id:(\d+)\r\n/.exec(reply);
      if (match) done(Number(match[1]));
    });
  });
}

export async function startRedisServer(options: StartRedisOptions = {}): Promise<RedisServer> {
  const bin = findRedisBinary(options.bin);
  if (!bin) throw new RedisBinaryMissing(options.bin ?? 'redis-server');
  const persistence = options.dataDir
    ? ['--dir', options.dataDir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '']
    : ['--appendonly', 'no', '--save', ''];
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });

  let lastError = '';
  // A free port can be taken between looking and binding: try a few (a fixed port only once).
  for (let attempt = 0; attempt < (options.port ? 1 : 5); attempt++) {
    const port = options.port ?? (await freeLoopbackPort());
    const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'no', '--protected-mode', 'yes', ...persistence], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
    child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
    child.on('error', (err) => (output += `\n${err.message}`));
    const ready = await waitUntilReady(child, port, options.startTimeoutMs ?? 10_000);
    if (ready) {
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        pid: child.pid!,
        exited,
        kill: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        },
        stop: () => stopChild(child),
      };
    }
    lastError = output.trim().split('\n').slice(-3).join(' | ');
    await stopChild(child);
  }
  throw new Error(`redis-server did not start: ${lastError}`);
}

/** Ready when the Redis answering on the port is this child (not another server already there). */
async function waitUntilReady(child: ChildProcess, port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    if ((await redisProcessId(port, 200)) === child.pid) return true;
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
