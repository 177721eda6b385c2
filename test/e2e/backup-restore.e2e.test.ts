/**
 * `npm run backup` while the server works, `npm run restore` with it stopped: the library gets
 * back exactly what it had when the backup was taken, on either database. Real processes.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { onPostgres } from '../helpers/db';
import { createBorrowing, memberDirectoryFile, requestStatus, runTool, startServerProcess, testRedisUrl, type ServerProcess } from '../helpers/server-process';

jest.setTimeout(150_000);

function header(file: string): Record<string, unknown> {
  const firstLine = readFileSync(file).subarray(0, 4096).toString('utf8').split('\n')[0]!;
  expect(firstLine.startsWith('ILL-BROKER-BACKUP ')).toBe(true);
  return JSON.parse(firstLine.slice('ILL-BROKER-BACKUP '.length)) as Record<string, unknown>;
}

describe('backup and restore', () => {
  let dir: string;
  // Not helpers/db's freshDatabase: its open pool would count as a connected server for restore.
  let pg: { url: string; drop(): Promise<void> } | undefined;
  let env: Record<string, string>;
  const running: ServerProcess[] = [];
  const start = async (extra: Record<string, string> = {}) => {
    const server = await startServerProcess({ ...env, ...extra });
    running.push(server);
    return server;
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ill-backup-'));
    pg = onPostgres ? await emptyDatabase() : undefined;
    env = { DATA_DIR: join(dir, 'data'), REDIS_URL: testRedisUrl(13), DIRECTORY_FILE: memberDirectoryFile(dir), ...(pg?.url ? { DATABASE_URL: pg.url } : {}) };
  });
  afterEach(async () => {
    for (const server of running.splice(0)) await server.stop('SIGKILL');
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A library at work: a key, two requests, then a backup taken while the server runs, then one more request. */
  async function backupWhileRunning(): Promise<{ server: ServerProcess; key: string; before: string[]; after: string; file: string }> {
    const server = await start();
    const key = (await runTool('admin-key', [], env)).stdout.trim();
    const before = [await createBorrowing(server.url, key, 'Kept 1'), await createBorrowing(server.url, key, 'Kept 2')];
    const file = join(dir, 'nightly.backup');
    const made = await runTool('backup', ['--out', file], env);
    expect(made).toMatchObject({ code: 0, stdout: `${file}\n` });
    const after = await createBorrowing(server.url, key, 'Made after the backup');
    return { server, key, before, after, file };
  }

  (onPostgres ? it.skip : it)('embedded: the running server takes the snapshot; restore puts it back and keeps the old folder aside', async () => {
    const { server, key, before, after, file } = await backupWhileRunning();
    expect(header(file)).toMatchObject({ version: 1, driver: 'pglite', payload: 'pglite-datadir-tar.gz', takenBy: `the running server (pid ${server.pid})` });

    const refused = await runTool('restore', [file], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual([expect.stringContaining(`held by the server (pid ${server.pid}, since `)]);
    expect(refused.stderr).toContain('stop the server first');

    expect((await server.stop()).code).toBe(0);
    const restored = await runTool('restore', [file], env);
    expect(restored.code).toBe(0);
    const aside = readdirSync(env.DATA_DIR!).filter((f) => f.startsWith('pglite.before-restore-'));
    expect(aside).toHaveLength(1);
    expect(restored.stderr).toContain(`kept in ${join(env.DATA_DIR!, aside[0]!)}`);

    const again = await start();
    for (const id of before) expect(await requestStatus(again.url, key, id)).toBe(200);
    expect(await requestStatus(again.url, key, after)).toBe(404);
  });

  (onPostgres ? it.skip : it)('embedded, server stopped: the tool takes the snapshot itself, and refuses when there is no database', async () => {
    const none = await runTool('backup', ['--out', join(dir, 'none.backup')], env);
    expect(none.code).toBe(1);
    expect(none.stderr.trim()).toBe(`backup: there is no embedded database in ${join(env.DATA_DIR!, 'pglite')}; is DATA_DIR right?`);
    expect(existsSync(join(env.DATA_DIR!, 'pglite'))).toBe(false);

    const key = (await runTool('admin-key', [], env)).stdout.trim();
    const file = join(dir, 'offline.backup');
    expect((await runTool('backup', ['--out', file], env)).code).toBe(0);
    expect(header(file).takenBy).toMatch(/^npm run backup \(pid \d+\) on the stopped store$/);
    const again = await runTool('backup', ['--out', file], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists already; choose another --out');

    const elsewhere = { ...env, DATA_DIR: join(dir, 'elsewhere') };
    const restored = await runTool('restore', [file], elsewhere);
    expect(restored.code).toBe(0);
    expect(restored.stderr).not.toContain('kept in');
    const server = await start(elsewhere);
    const res = await fetch(`${server.url}/api/v1/requests`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
  });

  (onPostgres ? it : it.skip)('PostgreSQL: pg_dump while the server runs; restore refuses a non-empty database unless --force, and fills an empty one', async () => {
    const { server, key, before, after, file } = await backupWhileRunning();
    expect(header(file)).toMatchObject({ version: 1, driver: 'postgres', payload: 'pg_dump-custom' });

    const connected = await runTool('restore', [file, '--force'], env);
    expect(connected.code).toBe(1);
    expect(connected.stderr).toContain('stop every server and worker first');

    expect((await server.stop()).code).toBe(0);
    const notEmpty = await runTool('restore', [file], env);
    expect(notEmpty.code).toBe(1);
    expect(notEmpty.stderr).toMatch(/is not empty \(\d+ tables\); run again with --force/);

    const forced = await runTool('restore', [file, '--force'], env);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/the \d+ tables that were there were replaced/);
    const again = await start();
    for (const id of before) expect(await requestStatus(again.url, key, id)).toBe(200);
    expect(await requestStatus(again.url, key, after)).toBe(404);
    await again.stop();

    // Into a database of its own, empty: no --force needed.
    const empty = await emptyDatabase();
    try {
      expect((await runTool('restore', [file], { ...env, DATABASE_URL: empty.url })).code).toBe(0);
      const elsewhere = await start({ DATABASE_URL: empty.url });
      expect(await requestStatus(elsewhere.url, key, before[0]!)).toBe(200);
      await elsewhere.stop();
    } finally {
      await empty.drop();
    }
  });

  it('refuses a backup of the other driver, and a file that is not a backup, with one line and nothing changed', async () => {
    const other = onPostgres ? 'pglite' : 'postgres';
    const wrong = join(dir, 'other.backup');
    writeFileSync(wrong, `ILL-BROKER-BACKUP ${JSON.stringify({ version: 1, driver: other, payload: other === 'pglite' ? 'pglite-datadir-tar.gz' : 'pg_dump-custom', createdAt: new Date().toISOString(), takenBy: 'test' })}\nrest`);
    const refused = await runTool('restore', [wrong], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual([expect.stringMatching(onPostgres ? /is a backup of the embedded database .* unset DATABASE_URL/ : /is a backup of a PostgreSQL database .* set DATABASE_URL/)]);

    const junk = join(dir, 'notes.txt');
    writeFileSync(junk, 'not a backup\n');
    const notOurs = await runTool('restore', [junk], env);
    expect(notOurs.code).toBe(1);
    expect(notOurs.stderr).toContain('is not a backup made by npm run backup');
    if (!onPostgres) expect(existsSync(join(env.DATA_DIR!, 'pglite'))).toBe(false);
  });
});

async function emptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = process.env.TEST_DATABASE_URL!;
  const name = `ill_restore_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const run = async (statement: string) => {
    const client = new Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
