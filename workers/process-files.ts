/**
 * Processes recorded in files: a pid with its start time (so that a pid the system has reused
 * for another process is not taken for the one recorded), and a lock file created with O_EXCL
 * that holds its owner and is broken when that owner is gone.
 */
import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';

/** A process as recorded: pid plus, where the system tells it (/proc), its start time. */
export interface ProcessRef {
  readonly pid: number;
  readonly since?: string;
}

/**
 * An exclusive lock file holding its owner's pid. A lock whose process is gone (killed while
 * starting) is broken; one still empty after 5 s is too (killed between creating and writing).
 */
export async function acquireLock(path: string, timeoutMs: number): Promise<() => void> {
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
    if (Date.now() > deadline) throw new Error(`process ${holder?.pid ?? '?'} has held ${path} for more than ${timeoutMs} ms; if no such process runs, remove the file`);
    await sleep(50);
  }
}

function parseRef(text: string | undefined): ProcessRef | undefined {
  try {
    return text ? asRef(JSON.parse(text)) : undefined;
  } catch {
    return undefined;
  }
}

export function asRef(value: unknown): ProcessRef | undefined {
  const v = value as { pid?: unknown; since?: unknown } | null | undefined;
  if (typeof v?.pid !== 'number') return undefined;
  return { pid: v.pid, ...(typeof v.since === 'string' ? { since: v.since } : {}) };
}

export function processRef(pid: number): ProcessRef {
  const since = startTimeOf(pid);
  return { pid, ...(since ? { since } : {}) };
}

export function isRunning(ref: ProcessRef): boolean {
  if (!isAlive(ref.pid)) return false;
  return ref.since === undefined || startTimeOf(ref.pid) === ref.since;
}

/** Alive and not a zombie (a killed process nobody has reaped yet is gone for our purposes). */
export function isAlive(pid: number): boolean {
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

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
