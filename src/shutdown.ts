/**
 * One graceful shutdown per process, whatever delivers the signal and however often.
 *
 * A terminal's Ctrl-C and systemd's stop reach every process of the group: the server gets the
 * signal itself and again from the `npm start` wrapper that forwards it. A repeated signal is
 * therefore no reason to leave the database half-closed; it is logged and the shutdown already
 * under way goes on. The shutdown is bounded by the service itself (SHUTDOWN_TIMEOUT_MS for
 * requests and jobs, then the database is closed anyway); systemd's own stop timeout is the
 * last resort above that.
 *
 * An uncaught exception or unhandled rejection takes the same path (the state of the process is
 * unknown, so it exits 1), so the embedded database is closed on every exit that can close it.
 */
import type { Logger } from 'pino';

export interface ShutdownTarget {
  /** Resolves once everything is closed; must itself be safe to call more than once. */
  stop(): Promise<void>;
}

/** The part of `process` this module uses (tests give their own). */
export interface ProcessLike {
  on(event: 'SIGTERM' | 'SIGINT' | 'SIGHUP', listener: (signal: NodeJS.Signals) => void): unknown;
  on(event: 'uncaughtException', listener: (err: Error) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  exit(code: number): void;
}

export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

export function installShutdown(target: ShutdownTarget, log: Logger, proc: ProcessLike = process): { shutdown(reason: string, exitCode: number): Promise<void> } {
  let under: Promise<void> | undefined;
  let exitCode = 0;

  const shutdown = (reason: string, code: number): Promise<void> => {
    exitCode = Math.max(exitCode, code);
    if (under) {
      log.info({ reason }, 'already shutting down; waiting for running work to finish');
      return under;
    }
    log.info({ reason }, 'shutting down: finishing running work');
    under = target.stop().then(
      () => proc.exit(exitCode),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        proc.exit(1);
      },
    );
    return under;
  };

  for (const signal of SHUTDOWN_SIGNALS) proc.on(signal, (s) => void shutdown(s ?? signal, 0));
  proc.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception; shutting down');
    void shutdown('uncaughtException', 1);
  });
  proc.on('unhandledRejection', (reason) => {
    log.fatal({ err: reason }, 'unhandled promise rejection; shutting down');
    void shutdown('unhandledRejection', 1);
  });
  return { shutdown };
}
