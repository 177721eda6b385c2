/**
 * The lookups staff and partners wait on are index scans, as written: the folded search (`q`),
 * a request number, what a scanner reads (`barcode=`), a late message under an id a retry replaced, and one
 * partner's inbound messages for the conformance counts. Sequential scans are priced out so the
 * plan shows whether an index can serve the query at all (a small table would be scanned anyway).
 */
import { sql, type SQLWrapper } from 'drizzle-orm';
import { inboundWindow } from '../../../src/store/conformance';
import type { Db } from '../../../src/store/db';
import { requestPageSelect, type RequestFilters } from '../../../src/store/request-search';
import { hadEarlierId } from '../../../src/store/requests';
import { requests } from '../../../src/store/schema';
import { freshDatabase, onPostgres, type TestDatabase } from '../../helpers/db';

const PAGE = { sort: 'createdAt', direction: 'desc', limit: 50 } as const;

describe(`lookup indexes on ${onPostgres ? 'PostgreSQL' : 'PGlite'}`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await freshDatabase();
    // One agency's many borrowing requests, each renamed once by a retry: the agency alone narrows nothing.
    await database.db.execute(sql`insert into requests (id, role, state, service_type, requesting_agency_id, requesting_agency_request_id, data)
      select gen_random_uuid(), 'requester', 'new', 'Loan', 'ISIL:DK-1', 'r-' || g, jsonb_build_object('lifecycle', jsonb_build_object('earlierRequestIds', jsonb_build_array('e-' || g)))
      from generate_series(1, 2000) g`);
    await database.db.execute(sql`analyze requests`);
  });
  afterAll(() => database.close());

  /** The plan of `query`, one text, with sequential scans priced out for this transaction only. */
  async function plan(query: (tx: Db) => SQLWrapper): Promise<string> {
    return database.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const result = await tx.execute(sql`explain ${query(tx)}`);
      const rows = (result as unknown as { rows?: Record<string, string>[] }).rows ?? (result as unknown as Record<string, string>[]);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
  }
  const page = (filters: RequestFilters) => (tx: Db) => requestPageSelect(tx, filters, PAGE);

  it('searches one word through the trigram index on the folded text', async () => {
    expect(await plan(page({ words: ['gödel'] }))).toContain('requests_search_trgm_idx');
  });

  it('searches two words through the same index', async () => {
    expect(await plan(page({ words: ['godel', 'escher'] }))).toContain('requests_search_trgm_idx');
  });

  it('searches a number through the folded text and the identifiers digits', async () => {
    const shown = await plan(page({ words: ['0-441-56959-5'] }));
    expect(shown).toContain('requests_search_trgm_idx');
    expect(shown).toContain('requests_identifier_digits_trgm_idx');
  });

  it('finds a request number, typed or scanned, through the number index', async () => {
    expect(await plan(page({ words: ['1042'] }))).toContain('requests_number_key');
    expect(await plan(page({ barcode: '1042' }))).toContain('requests_number_key');
  });

  it('finds a scanned code by either agency request id and every barcode a request carries', async () => {
    const shown = await plan(page({ barcode: '39015012345678' }));
    for (const index of ['requests_requesting_request_id_idx', 'requests_supplying_request_id_idx', 'requests_barcode_1_idx', 'requests_barcode_2_idx', 'requests_barcode_3_idx']) {
      expect(shown).toContain(index);
    }
  });

  it('finds the request a retry renamed by its earlier id', async () => {
    const key = { role: 'requester', requestingAgencyId: 'ISIL:DK-1', requestingAgencyRequestId: 'e-1' } as const;
    expect(await plan((tx) => tx.select().from(requests).where(hadEarlierId(key)))).toContain('requests_earlier_ids_idx');
  });

  it("reads one partner's inbound messages of a window by partner and time", async () => {
    const window = inboundWindow({ since: new Date('2026-11-01T00:00:00Z'), until: new Date('2026-12-01T00:00:00Z'), peer: 'ISIL:DK-2' });
    expect(await plan(() => window)).toContain('protocol_messages_peer_in_idx');
  });
});
