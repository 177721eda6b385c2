/**
 * Stopping the server as a terminal (Ctrl-C) and systemd do it: the signal goes to the whole
 * process group, so the server gets it from the kernel and again from the `npm start` wrapper.
 * Either way it stops once, gracefully, closes the embedded database, and starts again on the
 * same data. These tests run the built server (`npm test` builds it) through the wrapper.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from '../../workers/redis-server';
import { eventually } from '../helpers/queues';

const root = join(__dirname, '..', '..');

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

async function startThroughWrapper(dataDir: string, port: number): Promise<Started> {
  const child = spawn(process.execPath, [join(root, 'scripts', 'run-server.mjs')], {
    cwd: root,
    // Its own process group, so the test can signal the group as a terminal does.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', REDIS_URL: process.env.REDIS_URL, LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: '5000' },
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await eventually(async () => output.includes('ILL broker listening') || child.exitCode !== null, 60_000);
  if (child.exitCode !== null) throw new Error(`the server did not start:\n${output}`);
  return { child, url: `http://127.0.0.1:${port}`, output: () => output, exited };
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('a signal to the whole process group', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ill-signals-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each(['SIGTERM', 'SIGINT'] as const)('%s: one graceful shutdown, exit 0, and the embedded database opens again', async (signal) => {
    const port = await freeLoopbackPort();
    const first = await startThroughWrapper(dataDir, port);
    process.kill(-first.child.pid!, signal);
    expect(await first.exited).toBe(0);
    const log = first.output();
    expect(log).not.toContain('exiting now');
    expect(count(log, '"msg":"shutting down: finishing running work"')).toBe(1);
    expect(count(log, '"msg":"stopped"')).toBe(1);

    const again = await startThroughWrapper(dataDir, port);
    try {
      const ready = await fetch(`${again.url}/health/ready`);
      expect(ready.status).toBe(200);
    } finally {
      process.kill(-again.child.pid!, 'SIGTERM');
      expect(await again.exited).toBe(0);
    }
  }, 150_000);

  it('a signal to the wrapper alone is passed on, and the server stops gracefully', async () => {
    const started = await startThroughWrapper(dataDir, await freeLoopbackPort());
    started.child.kill('SIGTERM');
    expect(await started.exited).toBe(0);
    expect(count(started.output(), '"msg":"stopped"')).toBe(1);
  }, 90_000);
});
