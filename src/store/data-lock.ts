/**
 * One process per embedded database. PGlite takes no lock of its own: two processes on one data
 * directory both start, both write, and the folder is destroyed (the next start dies with
 * `RuntimeError: Aborted()`; electric-sql/pglite#1106). So whoever opens it first writes
 * `<dir>.lock` beside the folder, naming itself, and everybody else refuses while that owner
 * lives.
 *
 * The owner is a pid plus that process's start time (from /proc) and the boot it belongs to,
 * so a pid the kernel has since given to another process is not taken for the owner. A lock
 * whose owner is gone (kill -9, a crash, a power cut) is stale and is taken over, with a log
 * line; it never stands in the way of a restart.
 */
import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';

export interface LockOwner {
  readonly pid: number;
  /** Clock ticks after boot at which the process started (field 22 of /proc/<pid>/stat). */
  readonly startTime: string | null;
  readonly bootId: string | null;
  readonly host: string;
  /** What holds it: `server`, or the command (`admin-key`, `backup`, `restore`...). */
  readonly holder: string;
  /** ISO 8601. */
  readonly since: string;
}

export interface DataLock {
  readonly path: string;
  readonly owner: LockOwner;
  /** Removes the lock if it is still ours; safe to call twice. */
  release(): void;
}

export class DataDirLocked extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner,
  ) {
    super(`the embedded database ${dataDir} is in use by ${describeOwner(owner)}`);
    this.name = 'DataDirLocked';
  }
}

export function describeOwner(owner: LockOwner): string {
  return `the ${owner.holder} (pid ${owner.pid}${owner.host === hostname() ? '' : ` on ${owner.host}`}, since ${owner.since})`;
}

export function lockPathOf(dataDir: string): string {
  return `${resolve(dataDir)}.lock`;
}

export interface AcquireOptions {
  readonly holder: string;
  /** Told when a stale lock is taken over. */
  readonly onStale?: (previous: LockOwner | undefined) => void;
  readonly now?: () => Date;
}

/** Takes the lock on `dataDir` or throws DataDirLocked naming the live owner. */
export async function acquireDataLock(dataDir: string, options: AcquireOptions): Promise<DataLock> {
  const path = lockPathOf(dataDir);
  mkdirSync(dirname(path), { recursive: true });
  const owner = currentOwner(options.holder, (options.now ?? (() => new Date()))());
  const text = `${JSON.stringify(owner)}\n`;
  let removed: { previous: LockOwner | undefined } | undefined;
  for (let attempt = 0; attempt < 50; attempt++) {
    if (createExclusive(path, text)) {
      if (removed) options.onStale?.(removed.previous);
      return held(path, owner, text);
    }
    const current = readLock(path);
    if (current === 'missing') continue; // released between our two steps: try again
    if (current !== 'unreadable' && isLive(current)) throw new DataDirLocked(resolve(dataDir), current);
    if (await takeOverStale(path, current, text)) removed = { previous: current === 'unreadable' ? undefined : current };
  }
  throw new Error(`could not take the lock ${path}: it keeps changing hands`);
}

/** The owner named in the lock, when it is alive; undefined when the database is free. */
export function liveOwner(dataDir: string): LockOwner | undefined {
  const current = readLock(lockPathOf(dataDir));
  return typeof current === 'object' && isLive(current) ? current : undefined;
}

function held(path: string, owner: LockOwner, text: string): DataLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    removeIfSame(path, text);
  };
  // Whatever ends the process short of SIGKILL (process.exit, an uncaught error) unlocks too.
  process.on('exit', release);
  return { path, owner, release };
}

/**
 * Creates `path` with its whole content or not at all: the content goes to a private file that
 * is then hard-linked into place, which fails if `path` exists (O_EXCL semantics, but a reader
 * never sees a half-written lock).
 */
function createExclusive(path: string, text: string): boolean {
  const draft = `${path}.${process.pid}.${randomUUID().slice(0, 8)}`;
  writeFileSync(draft, text, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(draft, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(draft);
  }
}

/**
 * Two starters may find the same stale lock; only the one holding the guard removes it, after
 * checking it is still the stale one (the other might already have put its own lock there).
 */
async function takeOverStale(path: string, stale: LockOwner | 'unreadable', text: string): Promise<boolean> {
  const guard = `${path}.takeover`;
  for (let attempt = 0; attempt < 100; attempt++) {
    if (createExclusive(guard, text)) {
      try {
        const now = readLock(path);
        if (now === 'missing') return false;
        if (JSON.stringify(now) !== JSON.stringify(stale)) return false;
        unlinkSync(path);
        return true;
      } finally {
        removeIfSame(guard, text);
      }
    }
    const other = readLock(guard);
    // A guard left by a process that died in these few lines: nobody else will remove it.
    if (other === 'unreadable' || (typeof other === 'object' && !isLive(other))) removeIfSame(guard, readText(guard));
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function readLock(path: string): LockOwner | 'missing' | 'unreadable' {
  const text = readText(path);
  if (text === undefined) return 'missing';
  try {
    const parsed = JSON.parse(text) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string' || typeof parsed.since !== 'string') return 'unreadable';
    return { pid: parsed.pid, startTime: parsed.startTime ?? null, bootId: parsed.bootId ?? null, host: parsed.host, holder: String(parsed.holder ?? 'unknown'), since: parsed.since };
  } catch {
    return 'unreadable';
  }
}

function removeIfSame(path: string, text: string | undefined): void {
  if (text === undefined || readText(path) !== text) return;
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function currentOwner(holder: string, at: Date): LockOwner {
  return { pid: process.pid, startTime: processStartTime(process.pid), bootId: bootId(), host: hostname(), holder, since: at.toISOString() };
}

/**
 * Alive means: the pid exists and is the very process that wrote the lock. A lock from another
 * host cannot be checked from here (a data folder on a network share): it counts as live.
 */
export function isLive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  if (owner.bootId && bootId() && owner.bootId !== bootId()) return false;
  if (!pidExists(owner.pid)) return false;
  const started = processStartTime(owner.pid);
  return !(owner.startTime && started && started !== owner.startTime);
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, belongs to someone else
  }
}

/** Null where there is no /proc (macOS): then only the pid is compared. */
export function processStartTime(pid: number): string | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return null;
  // The command name (field 2) is in parentheses and may itself contain spaces and ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null; // field 22 overall: starttime
}

function bootId(): string | null {
  return readText('/proc/sys/kernel/random/boot_id')?.trim() ?? null;
}
