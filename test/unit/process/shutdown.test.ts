/**
 * One graceful shutdown per process: what the server does when the signal comes once, twice
 * (a terminal or systemd signals the whole process group, and `npm start` forwards it too), or
 * when the process fails in a way nobody caught.
 */
import { EventEmitter } from 'node:events';
import pino from 'pino';
import { installShutdown, type ProcessLike } from '../../../src/shutdown';

class FakeProcess extends EventEmitter {
  readonly exits: number[] = [];
  exit(code: number): void {
    this.exits.push(code);
  }
}

function setUp(stop: () => Promise<void> = async () => {}) {
  const proc = new FakeProcess();
  const calls = { stop: 0 };
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  installShutdown(
    {
      stop: async () => {
        calls.stop += 1;
        await stop();
      },
    },
    log,
    proc as unknown as ProcessLike,
  );
  return { proc, calls, lines };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('shutting down on signals', () => {
  it('stops once and exits 0 on SIGTERM', async () => {
    const { proc, calls } = setUp();
    proc.emit('SIGTERM', 'SIGTERM');
    await settle();
    expect(calls.stop).toBe(1);
    expect(proc.exits).toEqual([0]);
  });

  it('treats the same signal arriving twice (process group and wrapper) as one shutdown', async () => {
    let finish!: () => void;
    const { proc, calls, lines } = setUp(() => new Promise<void>((r) => (finish = r)));
    proc.emit('SIGINT', 'SIGINT');
    proc.emit('SIGINT', 'SIGINT');
    proc.emit('SIGTERM', 'SIGTERM');
    await settle();
    // Nothing exits while the first shutdown is still closing the database.
    expect(proc.exits).toEqual([]);
    finish();
    await settle();
    expect(calls.stop).toBe(1);
    expect(proc.exits).toEqual([0]);
    expect(lines.filter((l) => l.includes('already shutting down'))).toHaveLength(2);
  });

  it('handles SIGHUP (a closed terminal) the same way', async () => {
    const { proc, calls } = setUp();
    proc.emit('SIGHUP', 'SIGHUP');
    await settle();
    expect(calls.stop).toBe(1);
    expect(proc.exits).toEqual([0]);
  });

  it('exits 1 when the shutdown itself fails', async () => {
    const { proc } = setUp(async () => {
      throw new Error('database would not close');
    });
    proc.emit('SIGTERM', 'SIGTERM');
    await settle();
    expect(proc.exits).toEqual([1]);
  });
});

describe('shutting down on an error nobody caught', () => {
  it('closes everything and exits 1 after an uncaught exception', async () => {
    const { proc, calls, lines } = setUp();
    proc.emit('uncaughtException', new Error('boom'));
    await settle();
    expect(calls.stop).toBe(1);
    expect(proc.exits).toEqual([1]);
    expect(lines.some((l) => l.includes('"level":60') && l.includes('boom'))).toBe(true);
  });

  it('exits 1 after an unhandled rejection, even when a signal follows during the shutdown', async () => {
    let finish!: () => void;
    const { proc, calls } = setUp(() => new Promise<void>((r) => (finish = r)));
    proc.emit('unhandledRejection', new Error('lost promise'));
    proc.emit('SIGTERM', 'SIGTERM');
    finish();
    await settle();
    expect(calls.stop).toBe(1);
    expect(proc.exits).toEqual([1]);
  });
});
