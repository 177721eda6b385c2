/**
 * Staff take a queue or a search into a spreadsheet: GET /requests/export.csv gives every row
 * (not a page) with the columns they keep, in a file Excel opens as UTF-8, inside the caller's
 * library scope, streamed from the store page by page.
 */
import { randomUUID } from 'node:crypto';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import type { KeyPrincipal } from '../../../src/services/access/api-keys';
import { requestExportQuerySchema, requestsCsv } from '../../../src/services/staff/export-csv';
import type { Db } from '../../../src/store/db';
import type { RequestDataInput } from '../../../src/store/request-data';
import { insertRequest, type NewRequestRow } from '../../../src/store/requests';
import { requests } from '../../../src/store/schema';
import { LIBRARY_A, LIBRARY_B, startStaffApi, type StaffApi } from '../../helpers/staff-api';

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    record.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\r' && text[i + 1] === '\n') {
      endField();
      records.push(record);
      record = [];
      i++;
    } else field += c;
  }
  if (field !== '' || record.length > 0) throw new Error(`the file does not end with CRLF: ${JSON.stringify(text.slice(-40))}`);
  return records;
}

const asObjects = (records: string[][]) => records.slice(1).map((r) => Object.fromEntries(records[0]!.map((name, i) => [name, r[i]])));

function download(api: StaffApi, query: string, key = api.keys.staffA) {
  return request(api.app)
    .get(`/api/v1/requests/export.csv${query}`)
    .set('Authorization', key)
    .buffer(true)
    .parse((res, done) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => done(null, text));
    });
}

type Seed = Partial<NewRequestRow> & { readonly data?: RequestDataInput; readonly library?: 'a' | 'b' };

function row(api: StaffApi, seed: Seed): NewRequestRow {
  const { library, ...fields } = seed;
  const role = fields.role ?? 'requester';
  const symbol = library === 'b' ? LIBRARY_B : LIBRARY_A;
  const id = randomUUID();
  return {
    id,
    libraryId: library === 'b' ? api.libraryIds.b : api.libraryIds.a,
    role,
    state: 'sent_to_supplier',
    serviceType: 'Loan',
    requestingAgencyId: role === 'requester' ? symbol : 'ISIL:DK-900',
    requestingAgencyRequestId: role === 'requester' ? id : 'ILL-9',
    supplyingAgencyId: role === 'requester' ? 'ISIL:DK-900' : symbol,
    supplyingAgencyRequestId: null,
    ...fields,
  };
}

describe('staff API: the CSV export of a list or search (GET /requests/export.csv)', () => {
  let api: StaffApi;
  const ids: Record<string, string> = {};
  const created = Date.parse('2026-05-01T09:00:00Z');
  const now = new Date('2026-05-11T09:00:00Z');

  beforeAll(async () => {
    api = await startStaffApi({ now: () => now });
    const add = async (name: string, seed: Seed, at: number, updated?: number) => {
      const made = row(api, seed);
      ids[name] = made.id;
      await insertRequest(api.database.db, made, new Date(at));
      if (updated) await api.database.db.update(requests).set({ updatedAt: new Date(updated) }).where(eq(requests.id, made.id));
    };
    await add(
      'geb',
      {
        supplyingAgencyRequestId: 'LEND-77',
        data: {
          bibliographic: { title: 'Gödel, Escher, Bach: an "Eternal" Golden Braid', author: 'Hofstadter, Douglas R.', isbn: '978-0-465-02656-2' },
          patron: { id: 'P-1', name: 'Åse Kjærgård' },
          neededBy: '2026-06-01',
          lifecycle: { serviceType: 'Loan', rota: [{ symbol: 'ISIL:DK-900' }], rotaIndex: 0, dueDate: '2026-07-01T21:59:59.000Z' },
        },
      },
      created,
    );
    await add('lines', { state: 'complete', data: { bibliographic: { title: 'Poems\r\nin two lines', issn: '0028-0836' }, patron: { id: 'P-2', givenName: 'Kurt', surname: 'Gödel' } } }, created + 60_000, created + 60_000 + 3 * 86_400_000);
    await add('formula', { role: 'supplier', state: 'awaiting_shipping', serviceType: 'Copy', data: { bibliographic: { title: '=HYPERLINK("http://example.org")' }, patron: { id: 'THEIR-PATRON' } } }, created + 120_000);
    await add('elsewhere', { library: 'b', data: { bibliographic: { title: 'Branch Library book' }, patron: { id: 'P-9' } } }, created + 180_000);
  }, 60_000);
  afterAll(() => api.database.close());

  it('is a UTF-8 file with a byte order mark, offered as a download named for the day', async () => {
    const res = await download(api, '');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="requests-2026-05-11.csv"');
    expect((res.body as string).startsWith('\uFEFFRequest id,Library,Role,State,')).toBe(true);
  });

  it('gives the columns staff keep, one record per request, newest first as the list', async () => {
    const records = parseCsv((await download(api, '')).body.slice(1));
    expect(records[0]).toEqual([
      'Request id',
      'Library',
      'Role',
      'State',
      'Service type',
      'Created',
      'Updated',
      'Need before',
      'Partner',
      'Requesting agency',
      'Requesting agency request id',
      'Supplying agency',
      'Supplying agency request id',
      'Patron id',
      'Patron name',
      'Title',
      'Author',
      'ISBN',
      'ISSN',
      'Due date',
      'Turnaround (days)',
    ]);
    const rows = asObjects(records);
    expect(rows.map((r) => r['Request id'])).toEqual([ids.formula, ids.lines, ids.geb]);
    expect(rows[2]).toEqual({
      'Request id': ids.geb,
      Library: LIBRARY_A,
      Role: 'requester',
      State: 'sent_to_supplier',
      'Service type': 'Loan',
      Created: '2026-05-01T09:00:00.000Z',
      Updated: '2026-05-01T09:00:00.000Z',
      'Need before': '2026-06-01',
      Partner: 'ISIL:DK-900',
      'Requesting agency': LIBRARY_A,
      'Requesting agency request id': ids.geb,
      'Supplying agency': 'ISIL:DK-900',
      'Supplying agency request id': 'LEND-77',
      'Patron id': 'P-1',
      'Patron name': 'Åse Kjærgård',
      Title: 'Gödel, Escher, Bach: an "Eternal" Golden Braid',
      Author: 'Hofstadter, Douglas R.',
      ISBN: '978-0-465-02656-2',
      ISSN: '',
      'Due date': '2026-07-01T21:59:59.000Z',
      // Still going: created ten days before now.
      'Turnaround (days)': '10.0',
    });
  });

  it('quotes commas, quotes and line breaks (RFC 4180) and keeps spreadsheets from running formulas', async () => {
    const text: string = (await download(api, '')).body;
    expect(text).toContain('"Gödel, Escher, Bach: an ""Eternal"" Golden Braid"');
    expect(text).toContain('"Poems\r\nin two lines"');
    const rows = asObjects(parseCsv(text.slice(1)));
    const byId = Object.fromEntries(rows.map((r) => [r['Request id'], r]));
    expect(byId[ids.lines!]).toMatchObject({ Title: 'Poems\r\nin two lines', ISSN: '0028-0836', 'Patron name': 'Kurt Gödel', State: 'complete', 'Turnaround (days)': '3.0' });
    expect(byId[ids.formula!]).toMatchObject({ Title: `'=HYPERLINK("http://example.org")`, Role: 'supplier', 'Service type': 'Copy' });
  });

  it('shows a patron only on borrowing requests: a lending request’s patron is the other library’s', async () => {
    const rows = asObjects(parseCsv((await download(api, '?role=supplier')).body.slice(1)));
    expect(rows.map((r) => [r['Request id'], r['Patron id'], r.Partner])).toEqual([[ids.formula, '', 'ISIL:DK-900']]);
  });

  it('takes the filters and sort of GET /requests', async () => {
    const idsOf = async (query: string) => asObjects(parseCsv((await download(api, query)).body.slice(1))).map((r) => r['Request id']);
    expect(await idsOf('?sort=createdAt')).toEqual([ids.geb, ids.lines, ids.formula]);
    expect(await idsOf('?state=complete')).toEqual([ids.lines]);
    expect(await idsOf('?q=godel')).toEqual([ids.lines, ids.geb]);
    expect(await idsOf('?serviceType=Copy&role=supplier')).toEqual([ids.formula]);
    expect(await idsOf('?queue=lending.to-ship')).toEqual([ids.formula]);
    const bad = await request(api.app).get('/api/v1/requests/export.csv?state=nonsense').set('Authorization', api.keys.staffA);
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const paged = await request(api.app).get('/api/v1/requests/export.csv?limit=10').set('Authorization', api.keys.staffA);
    expect(paged.status).toBe(400);
  });

  it('keeps to the caller’s library: another library’s requests never appear', async () => {
    const idsOf = async (key: string) => asObjects(parseCsv((await download(api, '', key)).body.slice(1))).map((r) => r['Request id']);
    expect(await idsOf(api.keys.staffA)).not.toContain(ids.elsewhere);
    expect(await idsOf(api.keys.staffB)).toEqual([ids.elsewhere]);
    expect(await idsOf(api.keys.readOnly)).toEqual([ids.elsewhere, ids.formula, ids.lines, ids.geb]);
    const anonymous = await request(api.app).get('/api/v1/requests/export.csv');
    expect(anonymous.status).toBe(401);
  });
});

describe('staff API: a CSV export of 10,000 requests, streamed', () => {
  const COUNT = 10_000;
  let api: StaffApi;
  const first = Date.parse('2026-01-01T00:00:00Z');

  async function seed(db: Db, count: number, start: number): Promise<void> {
    for (let batch = 0; batch < count; batch += 500) {
      await db.transaction(async (tx) => {
        for (let i = batch; i < Math.min(count, batch + 500); i++) {
          const n = start + i;
          await insertRequest(tx, row(api, { role: 'supplier', state: 'awaiting_shipping', requestingAgencyRequestId: `ILL-${n}`, data: { bibliographic: { title: `Title ${n}, volume ${n % 7}`, author: 'Author' } } }), new Date(first + n * 1000));
        }
      });
    }
  }

  beforeAll(async () => {
    api = await startStaffApi();
    await seed(api.database.db, COUNT, 0);
  }, 300_000);
  afterAll(() => api.database.close());

  it('sends every row, not a page, and the server’s memory stays flat while it does', async () => {
    const server = api.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      global.gc?.();
      const before = process.memoryUsage().heapUsed;
      let peak = before;
      const { records, chunks } = await new Promise<{ records: number; chunks: number }>((resolve, reject) => {
        get({ host: '127.0.0.1', port, path: '/api/v1/requests/export.csv?sort=createdAt', headers: { Authorization: api.keys.staffA } }, (res) => {
          expect(res.statusCode).toBe(200);
          let records = 0;
          let chunks = 0;
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            chunks++;
            records += chunk.split('\r\n').length - 1;
            peak = Math.max(peak, process.memoryUsage().heapUsed);
          });
          res.on('end', () => resolve({ records, chunks }));
          res.on('error', reject);
        }).on('error', reject);
      });
      expect(records).toBe(COUNT + 1);
      expect(chunks).toBeGreaterThan(1);
      // The figure for the report (not asserted: it depends on the collector's timing).
      process.stdout.write(`CSV export of ${COUNT} rows: heap grew by at most ${((peak - before) / 1048576).toFixed(1)} MiB while streaming\n`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 120_000);

  it('reads the store a page at a time, and only as the file is taken: a row added mid-download still comes', async () => {
    const query = requestExportQuerySchema.parse({ sort: 'createdAt' });
    const principal: KeyPrincipal = { keyId: 'test', name: 'staff of A', role: 'staff', libraryId: api.libraryIds.a };
    const chunks = requestsCsv(api.deps, query, principal, 1000);
    const header = await chunks.next();
    expect(header.value).toMatch(/^\uFEFFRequest id,/);
    const firstPage = await chunks.next();
    expect((firstPage.value as string).split('\r\n').length - 1).toBe(1000);
    // Written after the first page was handed out, sorting after every other row.
    await seed(api.database.db, 1, COUNT);
    let rest = '';
    for await (const chunk of chunks) rest += chunk;
    expect(rest.split('\r\n').length - 1).toBe(COUNT - 1000 + 1);
    expect(rest).toContain(`ILL-${COUNT}`);
  }, 120_000);
});
