/**
 * The directory cache across processes on one PostgreSQL database: two opened databases stand
 * for two processes (a server and a worker, or two servers), each with its own cache and its
 * own listening connection. A change through one is honoured by the other within a second; a
 * cache that cannot hear changes (connection cut, or silently held) reads the database instead,
 * and forgets everything when it hears again. Needs real PostgreSQL: skipped on PGlite runs.
 */
import { randomUUID } from 'node:crypto';
import { routeRequest } from '../../src/services/borrowing/routing';
import { openDatabase, type Database } from '../../src/store/db';
import type { PostgresListenerOptions } from '../../src/store/directory-changes';
import { insertLibrary, type LibraryRow } from '../../src/store/libraries';
import { insertPartner, updatePartner, type PartnerChanges } from '../../src/store/partners';
import { asDatabaseUnavailable } from '../../src/store/unavailable';
import { freshDatabase, onPostgres, type TestDatabase } from '../helpers/db';
import { eventually } from '../helpers/queues';
import { startTcpProxy, viaProxy, type TcpProxy } from '../helpers/tcp-proxy';

const PARTNER = 'ISIL:DK-300';
const ROUTING = { strategy: 'as_given', loadWindowDays: 30 } as const;

const describeOnPostgres = onPostgres ? describe : describe.skip;

describeOnPostgres('the directory cache across processes', () => {
  let first: TestDatabase;
  let second: Database;
  let library: LibraryRow;
  let partnerId: string;
  const opened: Database[] = [];
  const proxies: TcpProxy[] = [];

  beforeAll(async () => {
    first = await freshDatabase();
    second = await open(first.url!);
    library = await first.directory.write((db) => insertLibrary(db, { id: randomUUID(), symbol: 'ISIL:DK-100', name: 'Main Library', settings: {} }));
    partnerId = randomUUID();
    await first.directory.write((db) => insertPartner(db, { id: partnerId, symbol: PARTNER, name: 'Partner', iso18626Url: null, auth: {}, policies: {}, vendor: null, contactEmail: null, status: 'active' }));
  });
  afterAll(async () => {
    for (const database of opened.reverse()) await database.close();
    for (const proxy of proxies) await proxy.close();
    await first?.close();
  });

  type ListenerTuning = Omit<PostgresListenerOptions, 'url' | 'log'>;
  async function open(url: string, listener: ListenerTuning = {}): Promise<Database> {
    const database = await openDatabase({ driver: 'postgres', url, poolSize: 2, migrate: false, listener });
    opened.push(database);
    return database;
  }
  async function throughProxy(listener: ListenerTuning): Promise<{ database: Database; proxy: TcpProxy }> {
    const target = new URL(first.url!);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    proxies.push(proxy);
    return { database: await open(viaProxy(first.url!, proxy), listener), proxy };
  }
  const change = (changes: PartnerChanges) => first.directory.write((db) => updatePartner(db, partnerId, changes, new Date()));
  /** True when the read was answered from memory (routing reads partners and member libraries: every read a hit). */
  const fromMemory = async (database: Database, read: () => Promise<unknown>) => {
    const before = database.directory.stats();
    await read();
    const after = database.directory.stats();
    return after.hits > before.hits && after.misses === before.misses && after.bypasses === before.bypasses;
  };
  const rotaOf = async (database: Database) => (await routeRequest(database.db, library, { serviceType: 'Loan', candidates: [{ symbol: PARTNER }] }, ROUTING, new Date(), database.directory)).rota;

  it('refuses a partner in one process within a second of its suspension in another, answering from memory meanwhile', async () => {
    expect(await rotaOf(second)).toEqual([{ symbol: PARTNER }]);
    await eventually(() => fromMemory(second, () => rotaOf(second)));

    await change({ status: 'suspended' });
    await eventually(async () => (await rotaOf(second)).length === 0, 1000);
    expect((await second.directory.partner(PARTNER))?.status).toBe('suspended');

    await change({ status: 'active' });
    await eventually(async () => (await rotaOf(second)).length === 1, 1000);
    await eventually(() => fromMemory(second, () => rotaOf(second)));
  });

  it('reads the database while its listening connection is cut, and never answers from memory then', async () => {
    // It does not try again during this test: what is observed is a cache that is not hearing changes.
    const { database, proxy } = await throughProxy({ retryFirstMs: 600_000 });
    expect((await database.directory.partner(PARTNER))?.name).toBe('Partner');
    expect(database.directory.live()).toBe(true);

    await proxy.sever();
    await eventually(async () => !database.directory.live());
    const error = await database.directory.partner(PARTNER).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(asDatabaseUnavailable(error)).toBeDefined();

    await change({ name: 'Partner (renamed while cut off)' });
    await proxy.restore();
    const before = database.directory.stats();
    expect((await database.directory.partner(PARTNER))?.name).toBe('Partner (renamed while cut off)');
    await change({ name: 'Partner (renamed again)' });
    expect((await database.directory.partner(PARTNER))?.name).toBe('Partner (renamed again)');
    expect(database.directory.stats()).toEqual({ ...before, bypasses: before.bypasses + 2 });
    expect(database.directory.live()).toBe(false);
  });

  it('forgets everything when it hears changes again, so a change made while it was deaf is seen', async () => {
    const { database, proxy } = await throughProxy({ retryFirstMs: 50, retryMaxMs: 500 });
    await change({ name: 'Partner' });
    await eventually(async () => (await database.directory.partner(PARTNER))?.name === 'Partner');
    await proxy.sever();
    await eventually(async () => !database.directory.live());
    await change({ name: 'Partner (renamed during the outage)' });
    await proxy.restore();
    await eventually(async () => database.directory.live(), 20_000);
    const before = database.directory.stats();
    expect((await database.directory.partner(PARTNER))?.name).toBe('Partner (renamed during the outage)');
    expect((await database.directory.partner(PARTNER))?.name).toBe('Partner (renamed during the outage)');
    expect(database.directory.stats()).toEqual({ ...before, misses: before.misses + 1, hits: before.hits + 1 });
  });

  it('stops trusting itself when its connection goes silent without being cut, and recovers', async () => {
    const { database, proxy } = await throughProxy({ heartbeatMs: 200, retryFirstMs: 50, retryMaxMs: 500 });
    await change({ name: 'Partner' });
    await eventually(async () => (await database.directory.partner(PARTNER))?.name === 'Partner');
    // Bytes are dropped and nothing is reset: only the heartbeat can tell.
    proxy.hold();
    await eventually(async () => !database.directory.live());
    await change({ name: 'Partner (renamed while silent)' });
    await proxy.restore();
    await eventually(async () => database.directory.live(), 20_000);
    expect((await database.directory.partner(PARTNER))?.name).toBe('Partner (renamed while silent)');
  });
});
