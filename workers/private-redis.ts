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
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Logger } from 'pino';
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

/** A process as recorded: pid plus, where the system tells it, its start time. */
interface ProcessRef {
  readonly pid: number;
  readonly since?: string;
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

/**
 * An exclusive lock file holding its owner's pid. A lock whose process is gone (killed while
 * starting) is broken; one still empty after 5 s is too (killed between creating and writing).
 */
async function acquireLock(path: string, timeoutMs: number): Promise<() => void> {
  const me = JSON.stringify(processRef(process.pid));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, me);
      } finally {
        closeSync(fd);
      }
      let held = true;
      return () => {
        if (!held) return;
        held = false;
        if (readText(path) === me) rmSync(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = parseRef(readText(path));
    if (holder ? !isRunning(holder) : ageMs(path) > 5000) {
      // Moved aside before removal, so that of two processes breaking it only one removes it.
      const aside = `${path}.stale-${process.pid}-${Date.now()}`;
      try {
        renameSync(path, aside);
        rmSync(aside, { force: true });
      } catch {
        // someone else broke it first
      }
      continue;
    }
    if (Date.now() > deadline) throw new Error(`process ${holder?.pid ?? '?'} has been starting the private redis-server for ${timeoutMs} ms; if it is gone, remove ${path}`);
    await sleep(50);
  }
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

function parseRef(text: string | undefined): ProcessRef | undefined {
  try {
    return text ? asRef(JSON.parse(text)) : undefined;
  } catch {
    return undefined;
  }
}

function asRef(value: unknown): ProcessRef | undefined {
  const v = value as { pid?: unknown; since?: unknown } | null | undefined;
  if (typeof v?.pid !== 'number') return undefined;
  return { pid: v.pid, ...(typeof v.since === 'string' ? { since: v.since } : {}) };
}

function processRef(pid: number): ProcessRef {
  const since = startTimeOf(pid);
  return { pid, ...(since ? { since } : {}) };
}

function isRunning(ref: ProcessRef): boolean {
  if (!isAlive(ref.pid)) return false;
  return ref.since === undefined || startTimeOf(ref.pid) === ref.since;
}

/** Alive and not a zombie (a killed process nobody has reaped yet is gone for our purposes). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return statField(pid, 3) !== 'Z';
}

/** Start time in clock ticks since boot (/proc/<pid>/stat field 22), where the system has it. */
function startTimeOf(pid: number): string | undefined {
  return statField(pid, 22);
}

function statField(pid: number, field: number): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // Field 2 is the name in parentheses and may hold spaces: count from after it.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return rest[field - 3];
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
