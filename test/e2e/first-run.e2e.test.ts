/**
 * A fresh server, as `npm start` runs it: its log carries the one-time setup code (and only
 * while no staff user exists); the code makes the first administrator over HTTP; `npm run
 * add-user` while the server runs goes through its control channel (embedded database) or
 * straight to PostgreSQL, and the new person signs in to the running server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase, onPostgres, type TestDatabase } from '../helpers/db';
import { eventually } from '../helpers/queues';
import { memberDirectoryFile, runTool, startServerProcess, testRedisUrl, type ServerProcess } from '../helpers/server-process';

jest.setTimeout(120_000);

const SETUP_LINE = /one-time setup code ((?:[A-Z2-9]{4}-){7}[A-Z2-9]{4})/;

/** The code a server logged (pino writes asynchronously: the line may follow "listening"). */
const setupCodeOf = (server: ServerProcess) => eventually(async () => SETUP_LINE.exec(server.output())?.[1]);

async function post(url: string, body: object): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe(`first run and npm run add-user against a running server (${onPostgres ? 'PostgreSQL' : 'embedded PGlite'})`, () => {
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
    dataDir = mkdtempSync(join(tmpdir(), 'ill-first-run-'));
    pg = onPostgres ? await freshDatabase() : undefined;
    env = { DATA_DIR: dataDir, REDIS_URL: testRedisUrl(15), DIRECTORY_FILE: memberDirectoryFile(dataDir), ...(pg?.url ? { DATABASE_URL: pg.url } : {}) };
  });
  afterEach(async () => {
    for (const server of running.splice(0)) await server.stop('SIGKILL');
    await pg?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('logs a setup code at start (a new one at each start), which makes the first administrator once; then it logs none', async () => {
    const first = await start();
    const stale = await setupCodeOf(first);
    expect(first.output()).toContain('"level":40');
    expect(await first.stop()).toEqual({ code: 0, signal: null });

    const server = await start();
    const code = await setupCodeOf(server);
    expect(code).not.toBe(stale);
    const made = await post(`${server.url}/api/v1/setup`, { code, username: 'ada', displayName: 'Ada Lovelace', password: 'the first admin passphrase' });
    expect(made.status).toBe(201);
    expect(made.headers.get('set-cookie')).toMatch(/^ill_session=[^;]+; Path=\/; Expires=.*; HttpOnly; SameSite=Lax$/);
    expect((await post(`${server.url}/api/v1/setup`, { code: stale, username: 'eve', displayName: 'Eve', password: 'the first admin passphrase' })).status).toBe(409);
    expect(await server.stop()).toEqual({ code: 0, signal: null });

    const after = await start();
    // Its first request is answered after start-up has logged everything it logs.
    expect((await fetch(`${after.url}/api/v1/setup`).then((r) => r.json())) as unknown).toEqual({ setupNeeded: false });
    expect(after.output()).not.toMatch(SETUP_LINE);
  });

  it('adds a user while the server runs, with the password on stdin; the person signs in to that server', async () => {
    const server = await start();
    const made = await runTool('add-user', ['--username', 'grace', '--display-name', 'Grace Hopper', '--role', 'staff', '--library', 'ISIL:DK-100'], env, 'a passphrase from stdin\n');
    expect(made).toMatchObject({ code: 0, stdout: '' });
    expect(made.stderr).toContain(onPostgres ? 'User grace (' : 'made by the running server');

    const signedIn = await post(`${server.url}/api/v1/session`, { username: 'grace', password: 'a passphrase from stdin' });
    expect(signedIn.status).toBe(200);
    expect(await signedIn.json()).toMatchObject({ user: { username: 'grace', role: 'staff', library: 'ISIL:DK-100' } });
    expect((await fetch(`${server.url}/api/v1/setup`).then((r) => r.json())) as unknown).toEqual({ setupNeeded: false });

    const generated = await runTool('add-user', ['--username', 'katherine', '--display-name', 'Katherine Johnson', '--role', 'read-only'], env);
    expect(generated.code).toBe(0);
    expect((await post(`${server.url}/api/v1/session`, { username: 'katherine', password: generated.stdout.trim() })).status).toBe(200);
  });
});
