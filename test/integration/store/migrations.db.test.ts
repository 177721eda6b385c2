import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { migrationsFolder, openDatabase, type Db } from '../../../src/store/db';
import { searchRequests } from '../../../src/store/request-search';
import { appendEvent, listEvents } from '../../../src/store/events';
import { insertRequest } from '../../../src/store/requests';
import { requestEvents, schema } from '../../../src/store/schema';
import { freshDatabase, onPostgres, type TestDatabase } from '../../helpers/db';

// Each test opens embedded databases on disk and migrates them, some twice: slow on a loaded machine.
jest.setTimeout(120_000);

describe(`store on ${onPostgres ? 'PostgreSQL' : 'PGlite'}`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(() => database.close());

  it('creates every core table through the committed migrations', async () => {
    const result = await database.db.execute<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    const names = rowsOf<{ table_name: string }>(result).map((r) => r.table_name);
    expect(names).toEqual(expect.arrayContaining(['libraries', 'outbox', 'partners', 'protocol_messages', 'request_events', 'requests']));
  });

  it('keeps the audit trail append-only: an event cannot be rewritten or deleted', async () => {
    const at = new Date('2026-11-26T10:00:00Z');
    const request = await insertRequest(
      database.db,
      { id: randomUUID(), role: 'requester', state: 'new', serviceType: 'Loan', requestingAgencyId: 'ISIL:DK-1', requestingAgencyRequestId: 'r-1' },
      at,
    );
    await appendEvent(database.db, { requestId: request.id, event: 'created', toState: 'new', actor: 'system', at });
    // Drizzle wraps the driver's error; the database's own refusal is its cause.
    const refusedByTrigger = { cause: expect.objectContaining({ message: expect.stringMatching(/append-only/) }) };
    await expect(database.db.update(requestEvents).set({ toState: 'forged' })).rejects.toMatchObject(refusedByTrigger);
    await expect(database.db.delete(requestEvents)).rejects.toMatchObject(refusedByTrigger);
    expect((await listEvents(database.db, request.id)).map((e) => e.toState)).toEqual(['new']);
  });

  it('running the migrations again on a migrated database changes nothing', async () => {
    if (onPostgres) {
      const again = await openDatabase({ driver: 'postgres', url: database.url!, poolSize: 1 });
      await again.close();
    }
    const count = await database.db.execute<{ n: number }>(sql`select count(*)::int as n from requests`);
    expect(Number(rowsOf<{ n: number }>(count)[0]!.n)).toBe(1);
  });
});

describe('embedded PGlite data directory', () => {
  it('keeps its data across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ill-pglite-'));
    try {
      const first = await openDatabase({ driver: 'pglite', dataDir: dir });
      await first.db.execute(sql`insert into libraries (id, symbol, name) values (${randomUUID()}, 'ISIL:DK-2', 'Second Library')`);
      await first.close();
      const second = await openDatabase({ driver: 'pglite', dataDir: dir });
      const result = await second.db.execute<{ name: string }>(sql`select name from libraries`);
      expect(rowsOf<{ name: string }>(result).map((r) => r.name)).toEqual(['Second Library']);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('an embedded database made before the search indexes (migrations up to 0007)', () => {
  it('is upgraded when it is opened, and its requests are found by the indexed search', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ill-pglite-upgrade-'));
    const dataDir = join(root, 'data');
    const before = join(root, 'migrations-0007');
    try {
      // The migrations as that version shipped them: none from 0008 on written yet.
      cpSync(migrationsFolder(), before, { recursive: true });
      const journalFile = join(before, 'meta', '_journal.json');
      const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { idx: number; tag: string }[] };
      const later = journal.entries.filter((e) => e.idx >= 8);
      for (const e of later) rmSync(join(before, `${e.tag}.sql`));
      writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.filter((e) => e.idx < 8) }));
      const old = new PGlite(dataDir);
      const oldDb = drizzle({ client: old, schema });
      await migrate(oldDb, { migrationsFolder: before });
      await insertRequest(
        oldDb as unknown as Db,
        { id: randomUUID(), role: 'supplier', state: 'new', serviceType: 'Loan', requestingAgencyId: 'ISIL:DK-1', requestingAgencyRequestId: 'r-1', data: { bibliographic: { title: 'Gödel, Escher, Bach' } } },
        new Date('2026-11-26T10:00:00Z'),
      );
      await old.close();

      const upgraded = await openDatabase({ driver: 'pglite', dataDir });
      try {
        const indexes = await upgraded.db.execute<{ indexname: string }>(sql`select indexname from pg_indexes where tablename = 'requests'`);
        expect(rowsOf<{ indexname: string }>(indexes).map((r) => r.indexname)).toEqual(expect.arrayContaining(['requests_search_trgm_idx', 'requests_earlier_ids_idx']));
        const found = await searchRequests(upgraded.db, { words: ['godel', 'escher'] }, { sort: 'createdAt', direction: 'desc', limit: 10 });
        expect(found.rows.map((r) => r.requestingAgencyRequestId)).toEqual(['r-1']);
      } finally {
        await upgraded.close();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

/** PGlite answers `{ rows }`, node-postgres a QueryResult with `rows` as well. */
function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}
