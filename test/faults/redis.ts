/**
 * A redis-server per instance that the suite can kill and start again on the same port and the
 * same append-only folder, as a supervisor (or an operator) would. Persistence is what the
 * server's private Redis uses (append-only, fsync every second), so a kill may lose up to a
 * second of writes: exactly the window the outbox must survive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { findRedisBinary, freeLoopbackPort, pingRedis } from '../../workers/redis-server';
import { onCleanup } from './cleanup';

export interface RedisControl {
  readonly url: string;
  /** SIGKILL: no chance to flush the append-only file. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(folder: string): Promise<RedisControl> {
  const bin = findRedisBinary();
  if (!bin) throw new Error('redis-server is not installed: apt-get install -y redis-server');
  mkdirSync(folder, { recursive: true });
  const port = await freeLoopbackPort();
  let child: ChildProcess | undefined;
  let unregister: (() => void) | undefined;

  const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;
  const waitExit = (c: ChildProcess) => (exited(c) ? Promise.resolve() : new Promise<void>((resolve) => c.once('exit', () => resolve())));

  const start = async () => {
    const c = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', folder, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''], {
      stdio: 'ignore',
      detached: true,
    });
    child = c;
    unregister = onCleanup(`redis-server on port ${port}`, () => {
      if (!exited(c)) c.kill('SIGKILL');
    });
    const deadline = Date.now() + 15_000;
    while (!(await pingRedis(port, 200))) {
      if (exited(c) || Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const end = async (signal: NodeJS.Signals) => {
    const c = child;
    if (!c) return;
    child = undefined;
    if (!exited(c)) c.kill(signal);
    await waitExit(c);
    unregister?.();
  };

  await start();
  return { url: `redis://127.0.0.1:${port}`, kill: () => end('SIGKILL'), start, stop: () => end('SIGTERM') };
}
