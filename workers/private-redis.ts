/**
 * The embedded-mode Redis of one installation: one redis-server per `<dataDir>/redis`, owned and
 * supervised by the process that started it.
 *
 * - `redis.json` in that folder names the port, the owner and the redis-server process (pid and
 *   start time, so a reused pid is not mistaken for them). A second process of the installation
 *   (`npm run workers`) attaches while the owner runs; only the owner stops it.
 * - The owner restarts it, on the same port and folder, when it dies; it stops it on a graceful
 *   stop and, without waiting, on any other exit Node sees (process.exit, a fatal error).
 * - What survives its owner (kill -9, a power cut of the owner alone) is stopped by the next
 *   start (SIGTERM: redis-server writes its append-only file out, so no job is lost) before a
 *   new one is started on the same port. Adopting it instead was rejected: a process that is not
 *   our child cannot be watched for exit, so it could not be restarted when it dies.
 * - `start.lock` (created with O_EXCL, holding the starter's pid) keeps two starters from both
 *   deciding to start one.
 */
import { mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Logger } from 'pino';
import { acquireLock, asRef, isAlive, isRunning, processRef, sleep, type ProcessRef } from './process-files';
import { redisProcessId, startRedisServer, type RedisServer } from './redis-server';

export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** True when this process started the server (and must stop it). */
  readonly owned: boolean;
  stop(): Promise<void>;
}

export interface PrivateRedisOptions {
  readonly bin?: string;
  readonly log?: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Longest wait for the start lock, for a starting redis-server, or for the owner's one to answer. */
  readonly timeoutMs?: number;
}

interface Marker {
  readonly port: number;
  readonly owner: ProcessRef;
  readonly redis?: ProcessRef;
}

const RESTART_DELAY_MS = [100, 500, 1000, 2000, 5000];

export async function ensurePrivateRedis(dataDir: string, options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const markerPath = join(dir, 'redis.json');
  const release = await acquireLock(join(dir, 'start.lock'), timeoutMs);
  try {
    const marker = readMarker(markerPath);
    if (marker && isRunning(marker.owner)) {
      release();
      // The owner may be restarting it just now.
      if (!(await eventuallyAnswers(marker.port, timeoutMs))) {
        throw new Error(`the private redis-server of process ${marker.owner.pid} does not answer on port ${marker.port} (${dir})`);
      }
      return { url: `redis://127.0.0.1:${marker.port}`, port: marker.port, owned: false, stop: async () => {} };
    }
    await stopLeftovers(dir, marker, options);
    return await supervise(dir, markerPath, marker?.port, options);
  } finally {
    release();
  }
}

/** Starts the server and keeps it running until `stop`; the marker always names the live process. */
async function supervise(dir: string, markerPath: string, previousPort: number | undefined, options: PrivateRedisOptions): Promise<PrivateRedis> {
  const start = (port?: number) => startRedisServer({ dataDir: dir, ...(options.bin ? { bin: options.bin } : {}), ...(port ? { port } : {}) });
  // The same port as before if it is free: a worker process still attached finds it again.
  let current: RedisServer = previousPort ? await start(previousPort).catch(() => start()) : await start();
  const port = current.port;
  const self = processRef(process.pid);
  const record = () => writeMarker(markerPath, { port, owner: self, redis: processRef(current.pid) });
  record();

  let stopping = false;
  let retry: NodeJS.Timeout | undefined;
  let restarting: Promise<void> | undefined;
  const watch = (server: RedisServer) => {
    void server.exited.then(() => {
      if (!stopping) scheduleRestart(0);
    });
  };
  const scheduleRestart = (failures: number) => {
    const delay = RESTART_DELAY_MS[Math.min(failures, RESTART_DELAY_MS.length - 1)]!;
    if (failures === 0) options.log?.warn({ port, dir }, 'the private redis-server exited; restarting it');
    retry = setTimeout(() => {
      retry = undefined;
      restarting = start(port).then(
        (server) => {
          restarting = undefined;
          if (stopping) return server.stop();
          current = server;
          record();
          watch(server);
          options.log?.info({ port, redisPid: server.pid }, 'the private redis-server is running again');
        },
        (err: unknown) => {
          restarting = undefined;
          options.log?.error({ err, port, attempt: failures + 1 }, 'could not restart the private redis-server; trying again');
          if (!stopping) scheduleRestart(failures + 1);
        },
      );
    }, delay);
    retry.unref();
  };
  watch(current);

  // process.exit and fatal errors run no async code: send SIGTERM at least (SIGKILL of this
  // process runs nothing; the next start cleans up then).
  const onExit = () => current.kill();
  process.on('exit', onExit);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    owned: true,
    stop: async () => {
      stopping = true;
      clearTimeout(retry);
      await restarting;
      await current.stop();
      process.off('exit', onExit);
      rmSync(markerPath, { force: true });
    },
  };
}

/** Stops every redis-server still running on the folder (its owner is gone). */
async function stopLeftovers(dir: string, marker: Marker | undefined, options: PrivateRedisOptions): Promise<void> {
  const pids = new Set(redisServersIn(dir, options.bin));
  if (marker?.redis && isRunning(marker.redis)) pids.add(marker.redis.pid);
  for (const pid of pids) {
    options.log?.warn({ redisPid: pid, dir, owner: marker?.owner.pid }, 'stopping the private redis-server left running by an owner that is gone');
    await terminate(pid);
  }
}

async function terminate(pid: number): Promise<void> {
  signal(pid, 'SIGTERM');
  if (await exitsWithin(pid, 10_000)) return;
  signal(pid, 'SIGKILL');
  await exitsWithin(pid, 5000);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // gone already
  }
}

async function exitsWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(25);
  }
  return true;
}

async function eventuallyAnswers(port: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while ((await redisProcessId(port, 500)) === undefined) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/**
 * The redis-server processes whose working folder is `dir` (redis-server changes into its
 * `--dir`). Linux only (/proc); elsewhere the marker's pid is all there is.
 */
export function redisServersIn(dir: string, bin = 'redis-server'): number[] {
  let real: string;
  let entries: string[];
  try {
    real = realpathSync(dir);
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const comm = basename(bin).slice(0, 15); // the kernel keeps 15 characters of the name
  return entries
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm && readlinkSync(`/proc/${pid}/cwd`) === real && isAlive(pid);
      } catch {
        return false; // gone, or not ours to look at
      }
    });
}

function readMarker(path: string): Marker | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { port?: unknown; pid?: unknown; owner?: unknown; redis?: unknown };
    if (typeof parsed.port !== 'number') return undefined;
    // Written by an older version: the owner's pid only.
    const owner = typeof parsed.pid === 'number' ? { pid: parsed.pid } : asRef(parsed.owner);
    if (!owner) return undefined;
    const redis = asRef(parsed.redis);
    return { port: parsed.port, owner, ...(redis ? { redis } : {}) };
  } catch {
    return undefined;
  }
}

function writeMarker(path: string, marker: Marker): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(marker));
  renameSync(tmp, path);
}

