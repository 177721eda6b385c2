/**
 * The server processes under test: `node dist/src/main.js` (or `--workers`), configured by
 * environment variables only, exactly as an operator runs them. Each runs in a process group of
 * its own, so that a signal reaches it once and only when the suite sends it.
 *
 * A process that exits without being told to is a crash: it is recorded with the lines its
 * log ended with, and started again a moment later, as systemd's `Restart=on-failure` would,
 * so the scenario can still count what the crash lost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { isStopping, onCleanup } from './cleanup';

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface Crash extends Exit {
  readonly process: string;
  /** The lines that say why (an uncaught error, a fatal log line), or the last lines. */
  readonly why: string;
}

export interface ProcessSpec {
  readonly name: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
  /** True for the output line that says the process is ready. */
  readonly ready: (line: string) => boolean;
}

export interface ManagedProcess {
  readonly name: string;
  start(): Promise<void>;
  /** Delivers `signal`; the exit it causes is not a crash. Resolves with that exit. */
  signal(signal: NodeJS.Signals): Promise<Exit>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<Exit | undefined>;
  readonly crashes: readonly Crash[];
  /** Resolves when the process is up again after crashes (or at once). */
  settled(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const RESTART_DELAY_MS = 1000;
const MAX_RESTARTS = 10;

export const repoRoot = join(__dirname, '..', '..', '..');

export function nodeProcess(spec: ProcessSpec): ManagedProcess {
  const crashes: Crash[] = [];
  const log: WriteStream = createWriteStream(spec.logFile, { flags: 'a' });
  /** Children whose exit was asked for (a signal from the suite, a start that timed out). */
  const expected = new WeakSet<ChildProcess>();
  let child: ChildProcess | undefined;
  /** Set once the process has been up: from then on a crash is followed by a restart. */
  let supervised = false;
  let restarting: Promise<void> | undefined;
  let tail: string[] = [];

  const start = (): Promise<void> =>
    new Promise((resolve, reject) => {
      tail = [];
      const c = spawn(process.execPath, [join(repoRoot, 'dist', 'src', 'main.js'), ...spec.args], {
        cwd: repoRoot,
        env: { ...spec.env },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      child = c;
      const unregister = onCleanup(`${spec.name} (pid ${c.pid})`, () => killGroup(c, 'SIGKILL'));
      let ready = false;
      const timer = setTimeout(() => {
        expected.add(c);
        killGroup(c, 'SIGKILL');
        reject(new Error(`${spec.name} was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${tail.slice(-15).join('\n')}`));
      }, READY_TIMEOUT_MS);
      for (const stream of [c.stdout!, c.stderr!]) {
        createInterface({ input: stream }).on('line', (line) => {
          log.write(`${line}\n`);
          tail.push(line);
          if (tail.length > 200) tail = tail.slice(-100);
          if (!ready && spec.ready(line)) {
            ready = true;
            supervised = true;
            clearTimeout(timer);
            resolve();
          }
        });
      }
      c.once('exit', (code, signal) => {
        unregister();
        clearTimeout(timer);
        if (child === c) child = undefined;
        log.write(`-- ${spec.name} exited (${signal ?? `code ${code}`})\n`);
        if (expected.has(c) || isStopping()) return;
        crashes.push({ process: spec.name, code, signal, why: whyItEnded(tail) });
        if (!ready) reject(new Error(`${spec.name} exited (${signal ?? `code ${code}`}) before it was ready`));
        if (supervised) restarting ??= restartAfterCrash().finally(() => (restarting = undefined));
      });
    });

  /** Until it is up again; a start that fails is recorded as a crash too, and tried again. */
  const restartAfterCrash = async (): Promise<void> => {
    for (let attempt = 0; !child && attempt < MAX_RESTARTS && !isStopping(); attempt++) {
      await new Promise((r) => setTimeout(r, RESTART_DELAY_MS));
      await start().catch(() => undefined);
    }
  };

  const signal = (sig: NodeJS.Signals): Promise<Exit> => {
    const c = child;
    if (!c) return Promise.resolve({ code: null, signal: null });
    expected.add(c);
    const exited = new Promise<Exit>((resolve) => c.once('exit', (code, s) => resolve({ code, signal: s })));
    killGroup(c, sig);
    return exited;
  };

  return {
    name: spec.name,
    start,
    signal,
    async stop(graceMs = 15_000) {
      await restarting;
      const c = child;
      if (!c) return undefined;
      const killer = setTimeout(() => killGroup(c, 'SIGKILL'), graceMs);
      const exit = await signal('SIGTERM');
      clearTimeout(killer);
      return exit;
    },
    crashes,
    settled: async () => {
      await restarting;
    },
  };
}

function killGroup(c: ChildProcess, signal: NodeJS.Signals): void {
  if (c.pid === undefined || c.exitCode !== null || c.signalCode !== null) return;
  try {
    process.kill(-c.pid, signal);
  } catch {
    // already gone
  }
}

/** The evidence of a crash: Node's report of an uncaught error, or the last fatal/error log line. */
export function whyItEnded(lines: readonly string[]): string {
  const uncaught = lines.findIndex((l) => /Unhandled 'error' event|^\S*Error\b.*:|uncaught/i.test(l) && !l.startsWith('{'));
  if (uncaught !== -1) return lines.slice(uncaught, uncaught + 4).filter((l) => l.trim() !== '' && l.trim() !== '^').join(' | ').slice(0, 300);
  for (const line of [...lines].reverse()) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      if ((entry.level ?? 0) >= 50) return `${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}`.slice(0, 300);
    } catch {
      // not a log line
    }
  }
  return lines.slice(-3).join(' | ').slice(0, 300);
}
