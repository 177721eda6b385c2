import { randomUUID } from 'node:crypto';
import { createBorrowingRequest, parseBorrowingRequest } from '../../src/services/borrowing/borrowing';
import type { LifecycleDeps } from '../../src/services/pipeline/pipeline';
import { routeRequest } from '../../src/services/borrowing/routing';
import { findLibraryById, insertLibrary } from '../../src/store/libraries';
import { insertPartner } from '../../src/store/partners';
import { freshDatabase, type TestDatabase } from '../helpers/db';

describe('routing new borrowing requests against the directory', () => {
  let database: TestDatabase;
  let deps: LifecycleDeps;
  let libraryId: string;
  const now = new Date('2026-11-26T09:00:00Z');

  beforeAll(async () => {
    database = await freshDatabase();
    deps = { db: database.db, directory: database.directory, now: () => now, newId: randomUUID, supplierTimeoutMs: 3600_000, routing: { strategy: 'load_balance', loadWindowDays: 30 } };
    libraryId = randomUUID();
    await insertLibrary(database.db, { id: libraryId, symbol: 'ISIL:DK-HOME', name: 'Home', settings: {} });
    const partner = (symbol: string, policies: Record<string, unknown>, status: 'active' | 'suspended' = 'active') =>
      insertPartner(database.db, { id: randomUUID(), symbol, name: symbol, iso18626Url: null, auth: {}, policies, vendor: null, contactEmail: null, status });
    await partner('ISIL:DK-A', {});
    await partner('ISIL:DK-B', {});
    await partner('ISIL:DK-NOLOANS', { services: ['Copy'] });
    await partner('ISIL:DK-AWAY', {}, 'suspended');
  });
  afterAll(() => database.close());

  const borrow = (candidates?: string[]) =>
    createBorrowingRequest(deps, libraryId, parseBorrowingRequest({ bibliographic: { title: 'Ficciones' }, patron: { id: 'P-1' }, ...(candidates ? { candidates: candidates.map((symbol) => ({ symbol })) } : {}) }), 'staff:test', { channel: 'staff' });

  it('keeps the suppliers that can lend, stores why the others were dropped, and sends to the first', async () => {
    const request = await borrow(['ISIL:DK-NOLOANS', 'isil:dk-a', 'ISIL:DK-AWAY', 'ISIL:XX-UNKNOWN']);
    expect(request.state).toBe('sent_to_supplier');
    expect(request.data).toMatchObject({
      lifecycle: { rota: [{ symbol: 'ISIL:DK-A' }], rotaIndex: 0 },
      routing: {
        strategy: 'load_balance',
        explanation: [
          { symbol: 'ISIL:DK-A', kept: true, rank: 1, reason: '0 open requests from us' },
          { symbol: 'ISIL:DK-NOLOANS', kept: false, reason: 'does not supply loans' },
          { symbol: 'ISIL:DK-AWAY', kept: false, reason: 'is suspended in the directory' },
          { symbol: 'ISIL:XX-UNKNOWN', kept: false, reason: 'is not in the directory' },
        ],
      },
    });
  });

  it('balances load: the supplier with fewer open requests from us comes first', async () => {
    // The previous test left one open request with DK-A.
    const request = await borrow(['ISIL:DK-A', 'ISIL:DK-B']);
    expect(request.data.lifecycle.rota!.map((e) => e.symbol)).toEqual(['ISIL:DK-B', 'ISIL:DK-A']);
  });

  it('without candidates, asks every partner in the directory that lends', async () => {
    const library = (await findLibraryById(database.db, libraryId))!;
    const plan = await routeRequest(database.db, library, { serviceType: 'Loan' }, { strategy: 'as_given', loadWindowDays: 30 }, now, database.directory);
    expect(plan.rota.map((e) => e.symbol)).toEqual(['ISIL:DK-A', 'ISIL:DK-B']);
  });

  it('waits for staff when no supplier is left', async () => {
    const request = await borrow(['ISIL:DK-NOLOANS']);
    expect(request.state).toBe('validated');
  });
});
