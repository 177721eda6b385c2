/**
 * Crash safety of the embedded database: the server (`node dist/src/main.js`, what npm start
 * runs) is killed with SIGKILL while staff keep creating borrowing requests, again and again.
 * Every restart must come up, and every request whose creation was answered 201 before the
 * kill must be there. PGlite writes the WAL through to the files at each commit, so a killed
 * process loses nothing it confirmed (the kernel still has the pages); the restart replays it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onPostgres } from '../helpers/db';
import { createBorrowing, memberDirectoryFile, runTool, startServerProcess, testRedisUrl, type ServerProcess } from '../helpers/server-process';

const CYCLES = 20;
const WRITERS = 4;

// 21 starts of the built server: about 5 s each on a quiet machine, three times that on a loaded one.
jest.setTimeout(480_000);

(onPostgres ? describe.skip : describe)('the embedded database under SIGKILL', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ill-sigkill-'));
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`comes back after each of ${CYCLES} kills under write load with every request whose creation was answered`, async () => {
    const env = { DATA_DIR: dataDir, REDIS_URL: testRedisUrl(11), DIRECTORY_FILE: memberDirectoryFile(dataDir) };
    server = await startServerProcess(env);
    const key = (await runTool('admin-key', [], env)).stdout.trim();
    const answered: string[] = [];
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      if (cycle > 0) server = await startServerProcess(env); // rejects if it does not come up
      const present = await allRequestIds(server.url, key);
      expect(answered.filter((id) => !present.has(id))).toEqual([]);
      // Kill after a different number of answers each time, with writers still in flight.
      answered.push(...(await writeUntilKilled(server, key, 3 + ((cycle * 7) % 17))));
    }
    server = await startServerProcess(env);
    const present = await allRequestIds(server.url, key);
    expect(answered.filter((id) => !present.has(id))).toEqual([]);
    expect(answered.length).toBeGreaterThanOrEqual(CYCLES * 3);
    expect(await server.stop()).toEqual({ code: 0, signal: null });
    server = undefined;
  });
});

/** WRITERS staff members create requests until the server dies; SIGKILL after `killAfter` answers. */
async function writeUntilKilled(server: ServerProcess, key: string, killAfter: number): Promise<string[]> {
  const answered: string[] = [];
  let killed = false;
  const writer = async (n: number) => {
    for (let i = 0; ; i++) {
      let id: string;
      try {
        id = await createBorrowing(server.url, key, `Writer ${n} book ${i}`);
      } catch (err) {
        if (killed) return; // the connection died with the server: that request's fate is unknown
        throw err;
      }
      // Answered 201, so committed: even an answer that raced the kill counts.
      answered.push(id);
      if (!killed && answered.length >= killAfter) {
        killed = true;
        void server.stop('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, (_, n) => writer(n)));
  expect(await server.stop('SIGKILL')).toMatchObject({ signal: 'SIGKILL' });
  return answered;
}

async function allRequestIds(url: string, key: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | undefined;
  do {
    const res = await fetch(`${url}/api/v1/requests?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: { id: string }[]; nextCursor?: string | null };
    for (const item of page.items) ids.add(item.id);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}
