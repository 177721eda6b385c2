import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { migrationsFolder, openDatabase } from '../../../src/store/db';
import { PGLITE_EXTENSIONS } from '../../../src/store/pglite-extensions';
import { searchRequests } from '../../../src/store/request-search';
import { appendEvent, listEvents } from '../../../src/store/events';
import { getRequest, insertRequest } from '../../../src/store/requests';
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

/**
 * An embedded database as an earlier version left it: migrated only up to (not including)
 * migration `upTo`, in `root`/data. Its rows are written in plain SQL: the current schema
 * names columns that version did not have.
 */
async function embeddedDatabaseBefore(root: string, upTo: number, fill: (db: PGlite) => Promise<void>): Promise<string> {
  const dataDir = join(root, 'data');
  const before = join(root, `migrations-before-${upTo}`);
  cpSync(migrationsFolder(), before, { recursive: true });
  const journalFile = join(before, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { idx: number; tag: string }[] };
  for (const e of journal.entries.filter((e) => e.idx >= upTo)) rmSync(join(before, `${e.tag}.sql`));
  writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.filter((e) => e.idx < upTo) }));
  const old = new PGlite(dataDir, { extensions: PGLITE_EXTENSIONS });
  await migrate(drizzle({ client: old, schema }), { migrationsFolder: before });
  await fill(old);
  await old.close();
  return dataDir;
}

describe('an embedded database made before the search indexes (migrations up to 0007)', () => {
  it('is upgraded when it is opened, and its requests are found by the indexed search', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ill-pglite-upgrade-'));
    try {
      const dataDir = await embeddedDatabaseBefore(root, 8, async (old) => {
        await old.query(`insert into requests (id, role, state, service_type, requesting_agency_id, requesting_agency_request_id, data, created_at, updated_at)
          values ($1, 'supplier', 'new', 'Loan', 'ISIL:DK-1', 'r-1', $2, '2026-11-26T10:00:00Z', '2026-11-26T10:00:00Z')`, [randomUUID(), { bibliographic: { title: 'Gödel, Escher, Bach' } }]);
      });
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

describe('an embedded database made before requests were counted (migrations up to 0011)', () => {
  it('numbers each library’s requests in the order they came, and goes on counting after them', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ill-pglite-numbers-'));
    const [a, b] = [randomUUID(), randomUUID()];
    const ids: Record<string, string> = {};
    try {
      const dataDir = await embeddedDatabaseBefore(root, 12, async (old) => {
        await old.query(`insert into libraries (id, symbol, name) values ($1, 'ISIL:DK-A', 'A'), ($2, 'ISIL:DK-B', 'B')`, [a, b]);
        // Stored out of their order: the number follows when each came, not the insert.
        for (const [name, library, at] of [['a2', a, '2026-03-02'], ['b1', b, '2026-03-01'], ['a1', a, '2026-03-01'], ['a3', a, '2026-03-03']] as const) {
          ids[name] = randomUUID();
          await old.query(`insert into requests (id, library_id, role, state, service_type, requesting_agency_id, requesting_agency_request_id, created_at, updated_at)
            values ($1, $2, 'requester', 'new', 'Loan', 'ISIL:DK-A', $3, $4, $4)`, [ids[name], library, name, at]);
        }
      });
      const upgraded = await openDatabase({ driver: 'pglite', dataDir });
      try {
        const numberOf = async (id: string) => (await getRequest(upgraded.db, id))!.number;
        expect([await numberOf(ids.a1!), await numberOf(ids.a2!), await numberOf(ids.a3!), await numberOf(ids.b1!)]).toEqual([1, 2, 3, 1]);
        const next = await insertRequest(upgraded.db, { id: randomUUID(), libraryId: a, role: 'requester', state: 'new', serviceType: 'Loan', requestingAgencyId: 'ISIL:DK-A', requestingAgencyRequestId: 'r-next' }, new Date());
        expect(next.number).toBe(4);
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
