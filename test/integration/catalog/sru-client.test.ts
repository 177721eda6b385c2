/**
 * The SRU client and a whole lookup against a local SRU server (test/helpers/sru-server.ts)
 * serving the shared samples: what is asked, what comes back, and every way a catalogue fails.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { holdersFromHoldings } from '../../../src/catalog/candidates';
import { CatalogueError } from '../../../src/catalog/errors';
import { findLenders } from '../../../src/catalog/find-lenders';
import { availableLocalCopies } from '../../../src/catalog/local-holdings';
import { lookupHoldings } from '../../../src/catalog/lookup';
import { catalogueSourceSchema, serverCatalogueSchema, type CatalogueSource, type CatalogueSourceInput } from '../../../src/catalog/settings';
import { searchRetrieve } from '../../../src/catalog/sru-client';
import { SHARED_SRU_DIR, startSruServer, type SruTestServer } from '../../helpers/sru-server';

const FIXTURES = join(__dirname, '../../fixtures/catalog');

let server: SruTestServer;
beforeAll(async () => {
  server = await startSruServer();
});
afterAll(() => server.close());
beforeEach(() => server.setMode({ kind: 'samples' }));

const source = (extra: Partial<CatalogueSourceInput> = {}): CatalogueSource =>
  catalogueSourceSchema.parse({ name: 'Test union catalogue', url: server.url, indexes: { isbn: 'alma.isbn', recordId: 'alma.mms_id', title: 'alma.title' }, holdings: { kind: 'marc852' }, ...extra });

async function failure(promise: Promise<unknown>): Promise<CatalogueError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof CatalogueError) return err;
    throw err;
  }
  throw new Error('the search succeeded');
}

describe('searchRetrieve against a catalogue', () => {
  it('sends the SRU parameters the source asks for, and reads the records that match the query', async () => {
    const answer = await searchRetrieve(source({ version: '1.1', recordSchema: 'MARC21plus-xml', maximumRecords: 3, parameters: { 'x-info-5-mode': 'full' } }), 'alma.isbn="978-0-367-19672-1"');
    const params = server.requests.at(-1)!;
    expect(Object.fromEntries(params)).toEqual({ 'x-info-5-mode': 'full', operation: 'searchRetrieve', version: '1.1', query: 'alma.isbn="978-0-367-19672-1"', maximumRecords: '3', recordSchema: 'MARC21plus-xml', recordPacking: 'xml' });
    expect(answer.records.length).toBeGreaterThanOrEqual(1);
  });

  it('asks SRU 2.0 for recordXMLEscaping, and unpacks records sent as strings', async () => {
    const answer = await searchRetrieve(source({ version: '2.0', recordPacking: 'string' }), 'alma.mms_id="994689523503681"');
    expect(server.requests.at(-1)!.get('recordXMLEscaping')).toBe('string');
    expect(server.requests.at(-1)!.has('recordPacking')).toBe(false);
    expect(answer.records).toHaveLength(1);
    expect(answer.records[0]!.data).toMatchObject({ name: 'record', ns: 'http://www.loc.gov/MARC21/slim' });
  });

  it('is answered by the records matching an unquoted term, an AND, an OR; a query that is no CQL gets a diagnostic', async () => {
    const count = async (cql: string) => (await searchRetrieve(source(), cql)).records.length;
    expect(await count('alma.isbn=0691072361')).toBe(1);
    expect(await count('alma.isbn="0691072361" and alma.title="mirror of nature"')).toBe(1);
    expect(await count('alma.isbn="0691072361" and alma.title="nature of mirrors"')).toBe(0);
    expect(await count('(alma.isbn="0691072361" or alma.mms_id="9979240322003681")')).toBe(2);
    expect(await failure(searchRetrieve(source(), 'alma.isbn="unterminated'))).toMatchObject({ kind: 'diagnostic', diagnostics: [{ code: '10', message: 'Query syntax error' }] });
  });

  it('gives up at the timeout when the catalogue is slow', async () => {
    server.setMode({ kind: 'slow', delayMs: 5_000 });
    const err = await failure(searchRetrieve(source({ timeoutMs: 300 }), 'alma.isbn="0691072361"'));
    expect(err).toMatchObject({ kind: 'timeout', message: 'no answer within 300 ms' });
  });

  it('says what the server’s diagnostic says', async () => {
    server.setMode({ kind: 'diagnostic', uri: 'info:srw/diagnostic/1/16', message: 'Unsupported index', details: 'alma.isbn' });
    const err = await failure(searchRetrieve(source(), 'alma.isbn="0691072361"'));
    expect(err).toMatchObject({ kind: 'diagnostic', message: 'SRU diagnostic 16 (Unsupported index): alma.isbn' });
  });

  it('reads a diagnostic sent with an HTTP error status, and names a bare HTTP error by its status', async () => {
    server.setMode({ kind: 'diagnostic', uri: 'info:srw/diagnostic/1/10', message: 'Query syntax error', status: 400 });
    expect((await failure(searchRetrieve(source(), 'x'))).kind).toBe('diagnostic');
    server.setMode({ kind: 'body', status: 503, body: 'Service Unavailable', contentType: 'text/plain' });
    expect(await failure(searchRetrieve(source(), 'x'))).toMatchObject({ kind: 'http-status', message: 'the catalogue answered HTTP 503' });
  });

  it('refuses garbage and a web page', async () => {
    server.setMode({ kind: 'garbage' });
    expect((await failure(searchRetrieve(source(), 'x'))).kind).toBe('not-xml');
    server.setMode({ kind: 'html' });
    expect(await failure(searchRetrieve(source(), 'x'))).toMatchObject({ kind: 'html', message: 'the catalogue answered with a web page (“Sign in – Library proxy”), not SRU' });
  });

  it('reads no more than maxAnswerBytes of an answer', async () => {
    server.setMode({ kind: 'file', path: join(SHARED_SRU_DIR, 'hbz-lobid-extra-holdings__sru_records_and_holdings.xml') });
    expect((await failure(searchRetrieve(source({ maxAnswerBytes: 4096 }), 'x'))).kind).toBe('too-large');
  });

  it('says so when nobody listens at the address', async () => {
    const closed = await startSruServer();
    const url = closed.url;
    await closed.close();
    expect(await failure(searchRetrieve({ ...source(), url }, 'x'))).toMatchObject({ kind: 'connection', message: 'connection refused' });
  });
});

describe('a holdings lookup for a request', () => {
  it('finds the item by its ISBN in either form, and gives its holders with their symbols and ILL terms', async () => {
    // BIBSYS: the print ISBN finds the print record and the two e-book records that cite it.
    const lookup = await lookupHoldings(source({ symbols: { table: { '47BIBSYS_NTNU_UB': 'ISIL:NO-0030500', '47BIBSYS_UBO': 'ISIL:NO-0030100', '47BIBSYS_UBA': 'ISIL:NO-0030800' } } }), { isbn: '0367196727' });
    expect(server.requests.at(-1)!.get('query')).toBe('alma.isbn="0367196727" or alma.isbn="9780367196721"');
    expect(lookup).toMatchObject({ ok: true, source: 'Test union catalogue', basis: 'identifiers', numberOfRecords: 3 });
    if (!lookup.ok) throw new Error(lookup.reason);
    expect(lookup.holdings.map((h) => [h.code, h.symbol, h.electronic])).toEqual([
      ['47BIBSYS_BI', undefined, true],
      ['47BIBSYS_UBO', 'ISIL:NO-0030100', true],
      ['47BIBSYS_UBIN', undefined, true],
      ['47BIBSYS_UBA', 'ISIL:NO-0030800', false],
      ['47BIBSYS_HH', undefined, false],
      ['47BIBSYS_NTNU_UB', 'ISIL:NO-0030500', false],
    ]);
    expect(lookup.items[2]!.metadata).toMatchObject({ isbns: ['9780367196721'] });
    expect(lookup.durationMs).toBeGreaterThanOrEqual(0);

    const plan = holdersFromHoldings(lookup.holdings, { serviceType: 'Loan', unavailable: 'last' });
    expect(plan.candidates.map((c) => c.symbol)).toEqual(['ISIL:NO-0030800', 'ISIL:NO-0030500']);
    expect(plan.holders.find((h) => h.symbol === 'ISIL:NO-0030100')).toMatchObject({ kept: false, skip: 'electronic-only' });
    expect(plan.holders.filter((h) => h.skip === 'no-symbol').map((h) => h.codes[0])).toEqual(['47BIBSYS_BI', '47BIBSYS_UBIN', '47BIBSYS_HH']);
  });

  it('finds a GVI answer’s holders with their ILL indicators', async () => {
    server.setMode({ kind: 'samples', files: [join(FIXTURES, 'gvi-marc924.xml')] });
    const lookup = await lookupHoldings(source({ indexes: { isbn: ['rec.id', 'pica.isb'] }, holdings: { kind: 'marc924' } }), { isbn: '3-16-148410-X' });
    if (!lookup.ok) throw new Error(lookup.reason);
    expect(lookup.holdings.map((h) => [h.symbol, h.ill])).toEqual([
      ['ISIL:DE-705', 'loan-or-copy'],
      ['ISIL:DE-18', 'none'],
      ['ISIL:DE-7', 'copy-only'],
      ['ISIL:DE-OFB1', 'loan'],
      ['ISIL:DE-21', 'electronic-only'],
    ]);
  });

  it('falls back to the title when the request has no identifier', async () => {
    const lookup = await lookupHoldings(source({ holdings: { kind: 'alma' } }), { title: 'mirror of nature philosophy' });
    expect(server.requests.at(-1)!.get('query')).toBe('alma.title all "mirror of nature philosophy"');
    expect(lookup).toMatchObject({ ok: true, basis: 'title-author' });
    if (lookup.ok) expect(lookup.holdings.map((h) => h.code)).toEqual(['KatzLib', 'Libra']);
  });

  it('finds nothing for an item no catalogue record matches', async () => {
    const lookup = await lookupHoldings(source(), { isbn: '0-306-40615-2' });
    expect(lookup).toMatchObject({ ok: true, numberOfRecords: 0, items: [], holdings: [] });
  });

  it('never throws: a catalogue that fails gives the reason and what was asked', async () => {
    server.setMode({ kind: 'slow', delayMs: 5_000 });
    const lookup = await lookupHoldings(source({ timeoutMs: 200 }), { isbn: '0691072361' });
    expect(lookup).toMatchObject({ ok: false, kind: 'timeout', reason: 'no answer within 200 ms', cql: 'alma.isbn="0691072361" or alma.isbn="9780691072364"' });
    server.setMode({ kind: 'html' });
    expect(await lookupHoldings(source(), { isbn: '0691072361' })).toMatchObject({ ok: false, kind: 'html' });
  });

  it('asks nothing when the request gives nothing to ask', async () => {
    const before = server.requests.length;
    expect(await lookupHoldings(source(), { author: 'Rorty' })).toMatchObject({ ok: false, kind: 'no-query' });
    expect(server.requests.length).toBe(before);
  });
});

describe('finding lenders for a request without candidates', () => {
  let second: SruTestServer;
  beforeAll(async () => {
    second = await startSruServer({ kind: 'samples', files: [join(FIXTURES, 'gvi-marc924.xml')] });
  });
  afterAll(() => second.close());

  const settings = (first: Partial<CatalogueSourceInput>, unavailableHolders: 'last' | 'drop' = 'last') =>
    serverCatalogueSchema.parse({
      sources: [
        { name: 'Alma network zone', url: server.url, indexes: { isbn: 'alma.isbn' }, holdings: { kind: 'marc852' }, ...first },
        { name: 'GVI', url: second.url, indexes: { isbn: 'pica.isb' }, holdings: { kind: 'marc924' } },
      ],
      unavailableHolders,
    });

  it('asks the next catalogue when the first is down, and says why the first gave nothing', async () => {
    server.setMode({ kind: 'html' });
    const found = await findLenders(settings({}), { isbn: '9783161484100' }, { serviceType: 'Loan' });
    expect(found.candidates.map((c) => c.symbol)).toEqual(['ISIL:DE-705', 'ISIL:DE-OFB1']);
    expect(found.candidates[0]).toEqual({ symbol: 'ISIL:DE-705', localId: '1800001', callNumber: 'A 12/345' });
    expect(found.lookups.map((l) => [l.source, l.ok])).toEqual([['Alma network zone', false], ['GVI', true]]);
    expect(found.holders.map((h) => [h.symbol, h.kept, h.skip])).toEqual([
      ['ISIL:DE-705', true, undefined],
      ['ISIL:DE-18', false, 'no-ill'],
      ['ISIL:DE-7', false, 'copies-only'],
      ['ISIL:DE-OFB1', true, undefined],
      ['ISIL:DE-21', false, 'electronic-only'],
    ]);
    expect(found.reason).toBeUndefined();
  });

  it('a copy request goes to the holders that make copies', async () => {
    server.setMode({ kind: 'body', body: readFileSync(join(SHARED_SRU_DIR, 'upenn-libraries-Find__record_not_found.xml'), 'utf8') });
    const found = await findLenders(settings({}), { isbn: '9783161484100' }, { serviceType: 'Copy' });
    expect(found.candidates.map((c) => c.symbol)).toEqual(['ISIL:DE-705', 'ISIL:DE-7', 'ISIL:DE-21']);
  });

  it('gives no candidates, and the reason, when every catalogue fails: routing then uses the directory', async () => {
    server.setMode({ kind: 'slow', delayMs: 5_000 });
    second.setMode({ kind: 'garbage' });
    try {
      const found = await findLenders(settings({ timeoutMs: 200 }), { isbn: '9783161484100' }, { serviceType: 'Loan' });
      expect(found.candidates).toEqual([]);
      expect(found.reason).toMatch(/^the catalogue lookup failed \(Alma network zone: no answer within 200 ms; GVI: the answer is not usable XML: /);
    } finally {
      second.setMode({ kind: 'samples', files: [join(FIXTURES, 'gvi-marc924.xml')] });
    }
  });

  it('keeps to the lookup’s time budget: a source left with no time is not asked, and says so', async () => {
    server.setMode({ kind: 'slow', delayMs: 5_000 });
    try {
      const budgeted = { ...settings({ timeoutMs: 3_000 }), lookupBudgetMs: 600 };
      const found = await findLenders(budgeted, { isbn: '9783161484100' }, { serviceType: 'Loan' });
      expect(found.candidates).toEqual([]);
      expect(found.lookups.map((l) => [l.source, l.ok ? 'ok' : l.reason])).toEqual([
        ['Alma network zone', expect.stringMatching(/^no answer within \d+ ms$/)],
        ['GVI', 'not asked: the sources before it took the lookup’s whole time (lookupBudgetMs 600 ms)'],
      ]);
    } finally {
      server.setMode({ kind: 'samples' });
    }
  });

  it('says so when the catalogues name holders, but none can serve the request', async () => {
    server.setMode({ kind: 'samples', files: [join(SHARED_SRU_DIR, 'upenn-libraries-Find__electronic_bib_availability.xml')] });
    const s = serverCatalogueSchema.parse({ sources: [{ url: server.url, indexes: { recordId: 'alma.mms_id' }, holdings: { kind: 'alma' }, symbols: { table: { '01UPENN_INST': 'ISIL:US-PU' } } }] });
    const found = await findLenders(s, { supplierUniqueRecordId: '9979240322003681' }, { serviceType: 'Loan' });
    expect(found).toMatchObject({ candidates: [], reason: 'no holder in the catalogue can serve this request' });
    expect(found.holders).toEqual([expect.objectContaining({ symbol: 'ISIL:US-PU', kept: false, skip: 'electronic-only' })]);
  });
});

describe('the library’s own holdings', () => {
  it('an available physical copy in the own catalogue is a local copy; an electronic one is not', async () => {
    const own = (file: string) => {
      server.setMode({ kind: 'samples', files: [join(SHARED_SRU_DIR, file)] });
      return lookupHoldings(source({ indexes: { recordId: 'alma.mms_id' }, holdings: { kind: 'alma' } }), { supplierUniqueRecordId: file.includes('physical') ? '994689523503681' : '9979240322003681' });
    };
    expect(availableLocalCopies(await own('upenn-libraries-Find__physical_bib_availability.xml')).map((h) => [h.code, h.callNumber])).toEqual([['KatzLib', 'B53 .R68'], ['Libra', 'B53 .R68']]);
    expect(availableLocalCopies(await own('upenn-libraries-Find__electronic_bib_availability.xml'))).toEqual([]);
  });
});
