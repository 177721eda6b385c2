/**
 * The private redis-server of the embedded mode (no REDIS_URL): one per data folder, living as
 * long as the process that owns it, whatever happens to either of them. Processes are counted
 * the way an operator would: redis-server processes whose working folder is `<DATA_DIR>/redis`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensurePrivateRedis } from '../../workers/private-redis';
import { freeLoopbackPort, redisProcessId } from '../../workers/redis-server';
import { redisServersRunningIn } from '../helpers/processes';
import { eventually } from '../helpers/queues';

jest.setTimeout(180_000);

const root = resolve(__dirname, '../..');
const WAIT_MS = 90_000;

describe('the private redis-server', () => {
  let dataDir: string;
  const started: ChildProcess[] = [];
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ill-private-redis-'));
  });
  afterEach(async () => {
    for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    // Whatever a failed test left running on the folder.
    for (const pid of redisServersRunningIn(redisDir())) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });
  const redisDir = () => join(dataDir, 'redis');

  /** Node running `args` with the embedded defaults on this test's data folder (never the run's Redis). */
  function node(args: readonly string[], env: Record<string, string> = {}): ChildProcess {
    const { REDIS_URL: _shared, DATABASE_URL: _db, ...inherited } = process.env;
    const child = spawn(process.execPath, args, { cwd: root, env: { ...inherited, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(child);
    return child;
  }

  /**
   * `npm start` without the wrapper: the built server, on a port of its own; resolves once it
   * answers HTTP (by then its signal handlers are installed, which the "listening" line precedes).
   */
  async function startServer(): Promise<{ child: ChildProcess; output: () => string }> {
    const port = await freeLoopbackPort();
    const child = node(['dist/src/main.js'], { PORT: String(port) });
    let output = '';
    await new Promise<void>((resolveListening, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), WAIT_MS);
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('ILL broker listening')) {
          clearTimeout(timer);
          resolveListening();
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`server exited (${code}): ${output}`)));
    });
    await fetch(`http://127.0.0.1:${port}/health/live`);
    return { child, output: () => output };
  }

  const exited = async (child: ChildProcess) => {
    if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
    return { code: child.exitCode, signal: child.signalCode };
  };

  it('is started once for a data folder however many processes ask for it at the same moment', async () => {
    const all = await Promise.all([ensurePrivateRedis(dataDir), ensurePrivateRedis(dataDir), ensurePrivateRedis(dataDir)]);
    expect(all.filter((r) => r.owned)).toHaveLength(1);
    expect(new Set(all.map((r) => r.url)).size).toBe(1);
    expect(redisServersRunningIn(redisDir())).toHaveLength(1);
    await Promise.all(all.map((r) => r.stop()));
    expect(redisServersRunningIn(redisDir())).toEqual([]);
  });

  it('comes back on the same port when it dies while its owner runs', async () => {
    const redis = await ensurePrivateRedis(dataDir);
    const [first] = redisServersRunningIn(redisDir());
    process.kill(first!, 'SIGKILL');
    const second = await eventually(async () => {
      const pids = redisServersRunningIn(redisDir());
      return pids.length === 1 && pids[0] !== first && (await redisProcessId(redis.port)) === pids[0] ? pids[0] : undefined;
    }, WAIT_MS);
    expect(second).toBeDefined();
    await redis.stop();
    expect(redisServersRunningIn(redisDir())).toEqual([]);
  });

  it('is stopped when its owner exits on a fatal error', async () => {
    const owner = node(['-e', `require('./dist/workers/private-redis').ensurePrivateRedis(process.env.DATA_DIR).then(() => { throw new Error('fatal'); })`]);
    expect(await exited(owner)).toEqual({ code: 1, signal: null });
    await eventually(async () => redisServersRunningIn(redisDir()).length === 0, WAIT_MS);
  });

  it('after kill -9 of the server that owns it, the next start leaves exactly one for the folder, and its graceful stop none', async () => {
    const crashed = await startServer();
    expect(redisServersRunningIn(redisDir())).toHaveLength(1);
    crashed.child.kill('SIGKILL');
    await exited(crashed.child);

    const next = await startServer();
    expect(redisServersRunningIn(redisDir())).toHaveLength(1);
    next.child.kill('SIGTERM');
    expect({ ...(await exited(next.child)), output: next.output() }).toMatchObject({ code: 0, signal: null });
    expect(redisServersRunningIn(redisDir())).toEqual([]);
  });
});
