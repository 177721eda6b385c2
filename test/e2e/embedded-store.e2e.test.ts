/**
 * Issue 13, finding 1: `npm run admin-key` while the server ran on the same DATA_DIR opened a
 * second copy of the embedded database, printed a key the server rejected, and destroyed the
 * data folder. Now one process holds the embedded database; the tools work through it.
 * Everything here runs the real processes (`node dist/...`, what npm start and npm run run).
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from '../../workers/redis-server';
import { freshDatabase, onPostgres, type TestDatabase } from '../helpers/db';
import { createBorrowing, memberDirectoryFile, requestStatus, runProcess, runTool, startServerProcess, testRedisUrl, type ServerProcess } from '../helpers/server-process';

jest.setTimeout(120_000);

describe(`one opener per database (${onPostgres ? 'PostgreSQL' : 'embedded PGlite'})`, () => {
  let dataDir: string;
  let pg: TestDatabase | undefined;
  let env: Record<string, string>;
  const running: ServerProcess[] = [];
  const start = async () => {
    const server = await startServerProcess(env);
    running.push(server);
    return server;
  };

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ill-one-opener-'));
    pg = onPostgres ? await freshDatabase() : undefined;
    env = { DATA_DIR: dataDir, REDIS_URL: testRedisUrl(12), DIRECTORY_FILE: memberDirectoryFile(dataDir), ...(pg?.url ? { DATABASE_URL: pg.url } : {}) };
  });
  afterEach(async () => {
    for (const server of running.splice(0)) await server.stop('SIGKILL');
    await pg?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('npm run admin-key while the server runs makes a key the running server accepts, and it survives a restart', async () => {
    const server = await start();
    const made = await runTool('admin-key', ['--name', 'First admin'], env);
    expect(made).toMatchObject({ code: 0 });
    const key = made.stdout.trim();
    expect(key).toMatch(/^ill_[A-Za-z0-9_-]{43}$/);
    const id = await createBorrowing(server.url, key);
    if (!onPostgres) expect(made.stderr).toContain('made by the running server');
    expect(await server.stop()).toEqual({ code: 0, signal: null });

    const again = await start();
    expect(await requestStatus(again.url, key, id)).toBe(200);
    const second = await runTool('admin-key', ['--name', 'Second admin', '--role', 'staff'], env);
    expect(second.code).toBe(0);
    expect(await requestStatus(again.url, second.stdout.trim(), id)).toBe(200);
  });

  (onPostgres ? it.skip : it)('a second server on the same DATA_DIR refuses with one line and exit code 1; the first keeps working', async () => {
    const first = await start();
    const key = (await runTool('admin-key', [], env)).stdout.trim();

    const second = await runProcess('src/main.js', [], { ...env, HOST: '127.0.0.1', PORT: String(await freeLoopbackPort()) }, 20_000);
    expect(second.code).toBe(1);
    const lines = second.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`in use by the server (pid ${first.pid}, since `);
    expect(lines[0]).toContain('stop that one first');

    expect((await fetch(`${first.url}/health/ready`)).status).toBe(200);
    const id = await createBorrowing(first.url, key);
    expect(await requestStatus(first.url, key, id)).toBe(200);
  });

  (onPostgres ? it.skip : it)('gives the data folder back at a stop: no lock, no control socket; the next start finds every request', async () => {
    const server = await start();
    expect(existsSync(join(dataDir, 'pglite.lock'))).toBe(true);
    // Only the server's own user may talk to it.
    expect(statSync(join(dataDir, 'control.sock')).mode & 0o777).toBe(0o600);
    const key = (await runTool('admin-key', [], env)).stdout.trim();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await createBorrowing(server.url, key, `Book ${i}`));
    expect(await server.stop()).toEqual({ code: 0, signal: null });
    expect(existsSync(join(dataDir, 'pglite.lock'))).toBe(false);
    expect(existsSync(join(dataDir, 'control.sock'))).toBe(false);

    // With the server stopped the tool opens the store itself, under the lock.
    const offline = await runTool('admin-key', ['--name', 'made offline'], env);
    expect(offline.code).toBe(0);
    expect(offline.stderr).not.toContain('running server');

    const again = await start();
    for (const id of ids) expect(await requestStatus(again.url, key, id)).toBe(200);
    expect(await requestStatus(again.url, offline.stdout.trim(), ids[0]!)).toBe(200);
  });

  (onPostgres ? it.skip : it)('after a SIGKILL, the next server takes over the stale lock and control socket, saying so in its log', async () => {
    const killed = await start();
    expect(await killed.stop('SIGKILL')).toMatchObject({ signal: 'SIGKILL' });
    expect(existsSync(join(dataDir, 'pglite.lock'))).toBe(true);
    expect(existsSync(join(dataDir, 'control.sock'))).toBe(true);
    const next = await start();
    expect(next.output()).toContain(`took over the lock of the embedded database from the server (pid ${killed.pid}`);
    expect((await fetch(`${next.url}/health/ready`)).status).toBe(200);
    const made = await runTool('admin-key', [], env);
    expect(made.code).toBe(0);
    expect(made.stderr).toContain('made by the running server');
  });
});
