/**
 * Finding lenders in a catalogue: a borrowing request that names no lenders is routed to the
 * holders the library's SRU catalogue names (a GVI answer with MARC 924 holdings, served by a
 * local SRU server), in the catalogue's order, with a reason for every holder skipped; the dry
 * run shows the same. A catalogue that is down, slow or answers garbage leaves the request
 * routed from the directory as before, with the reason kept on the request. Staff fill a form
 * from the same catalogue by ISBN.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import request from 'supertest';
import { insertPartner } from '../../../src/store/partners';
import { LIBRARY_A, LIBRARY_B, startStaffApi, type StaffApi } from '../../helpers/staff-api';
import { startSruServer, type SruTestServer } from '../../helpers/sru-server';

const GVI_ANSWER = join(__dirname, '../../fixtures/catalog/gvi-marc924.xml');
// The GVI record's holders: 705 lends and copies, 18 has no ILL, 7 copies only, Ofb1 lends, 21 electronic only.
const HOLDERS = ['ISIL:DE-705', 'ISIL:DE-18', 'ISIL:DE-7', 'ISIL:DE-Ofb1', 'ISIL:DE-21'];
const NOT_A_HOLDER = 'ISIL:DE-999';

interface Verdict {
  readonly symbol: string;
  readonly kept: boolean;
  readonly rank?: number;
  readonly reason: string;
}

describe('routing from a catalogue’s holdings', () => {
  let api: StaffApi;
  let sru: SruTestServer;
  beforeAll(async () => {
    api = await startStaffApi();
    sru = await startSruServer({ kind: 'file', path: GVI_ANSWER });
    for (const symbol of [...HOLDERS, NOT_A_HOLDER]) {
      await insertPartner(api.database.db, { id: randomUUID(), symbol, name: symbol, iso18626Url: null, auth: {}, policies: {}, vendor: null, contactEmail: null, status: 'active' });
    }
    const res = await request(api.app)
      .patch(`/api/v1/libraries/${LIBRARY_A}`)
      .set('Authorization', api.keys.admin)
      .send({ settings: { catalogue: catalogue(0) } });
    expect(res.status).toBe(200);
  });
  // Answers kept for `cacheSeconds` (0 here but in the test of keeping them, so each test sees the server's mode).
  const catalogue = (cacheSeconds: number) => ({
    cacheSeconds,
    sources: [{ name: 'GVI', url: sru.url, version: '1.2', recordSchema: 'marcxml', indexes: { isbn: 'isbn', title: 'title' }, holdings: { kind: 'marc924' }, timeoutMs: 1500 }],
  });
  afterAll(async () => {
    await sru.close();
    await api.database.close();
  });

  const borrow = async (bibliographic: Record<string, string>) => {
    const res = await request(api.app).post('/api/v1/requests').set('Authorization', api.keys.staffA).send({ bibliographic, patron: { id: 'P-1' } });
    expect(res.status).toBe(201);
    return res.body as { data: { lifecycle: { rota: { symbol: string }[] }; routing: { explanation: Verdict[]; holdings: { outcome: string; reason?: string; lookups: { cql?: string; ok: boolean; reason?: string }[] } } } };
  };
  const rotaOf = (made: Awaited<ReturnType<typeof borrow>>) => made.data.lifecycle.rota.map((e) => e.symbol);

  it('asks the holders that lend, in the catalogue’s order, and says why each other holder is skipped', async () => {
    const made = await borrow({ isbn: '978-3-16-148410-0' });
    expect(rotaOf(made)).toEqual(['ISIL:DE-705', 'ISIL:DE-Ofb1']);
    const { explanation, holdings } = made.data.routing;
    expect(explanation.filter((v) => v.kept).map((v) => [v.symbol, v.rank, v.reason.endsWith('among the holders')])).toEqual([
      ['ISIL:DE-705', 1, true],
      ['ISIL:DE-Ofb1', 2, true],
    ]);
    expect(Object.fromEntries(explanation.filter((v) => !v.kept).map((v) => [v.symbol, v.reason]))).toEqual({
      'ISIL:DE-18': expect.stringContaining('no interlibrary loan'),
      'ISIL:DE-7': expect.stringContaining('copies only'),
      'ISIL:DE-21': expect.stringContaining('electronic'),
    });
    // A partner the catalogue does not name is not asked.
    expect(explanation.map((v) => v.symbol)).not.toContain(NOT_A_HOLDER);
    // Both forms of the ISBN were asked for; what was asked is kept with the request.
    expect(holdings.outcome).toBe('holders');
    expect(holdings.lookups[0]!.cql).toContain('9783161484100');
    expect(holdings.lookups[0]!.cql).toContain('3161484100');
  });

  it('asks the copy-making holders for a copy', async () => {
    const res = await request(api.app).post('/api/v1/requests').set('Authorization', api.keys.staffA).send({ serviceType: 'Copy', bibliographic: { isbn: '9783161484100', titleOfComponent: 'Chapter 3' }, patron: { id: 'P-1' } });
    expect(res.body.data.lifecycle.rota.map((e: { symbol: string }) => e.symbol)).toEqual(['ISIL:DE-705', 'ISIL:DE-7', 'ISIL:DE-21']);
  });

  it('shows the same in the dry run, storing nothing', async () => {
    const res = await request(api.app).post('/api/v1/routing/dry-run').set('Authorization', api.keys.staffA).send({ bibliographic: { isbn: '9783161484100' } });
    expect(res.status).toBe(200);
    expect(res.body.rota.map((e: { symbol: string }) => e.symbol)).toEqual(['ISIL:DE-705', 'ISIL:DE-Ofb1']);
    // Holders as the catalogue's codes map to symbols (upper case); the rota spells them as the directory does.
    expect(res.body.holdings.holders.map((h: { symbol: string; kept: boolean }) => [h.symbol.toUpperCase(), h.kept])).toEqual([
      ['ISIL:DE-705', true],
      ['ISIL:DE-18', false],
      ['ISIL:DE-7', false],
      ['ISIL:DE-OFB1', true],
      ['ISIL:DE-21', false],
    ]);
  });

  it('does not look anything up for a request that names its lenders', async () => {
    const asked = sru.requests.length;
    const res = await request(api.app).post('/api/v1/requests').set('Authorization', api.keys.staffA).send({ bibliographic: { isbn: '9783161484100' }, patron: { id: 'P-1' }, candidates: [{ symbol: NOT_A_HOLDER }] });
    expect(res.body.data.lifecycle.rota).toEqual([{ symbol: NOT_A_HOLDER }]);
    expect(res.body.data.routing.holdings).toBeUndefined();
    expect(sru.requests.length).toBe(asked);
  });

  it('fills a request form from the catalogue by ISBN (POST /catalogue/lookup), storing nothing', async () => {
    const res = await request(api.app).post('/api/v1/catalogue/lookup').set('Authorization', api.keys.staffA).send({ isbn: '3-16-148410-X' });
    expect(res.status).toBe(200);
    expect(res.body.source).toBe('GVI');
    expect(res.body.records[0]).toMatchObject({ title: 'Fernleihe in der Praxis : ein Handbuch', edition: '2. Auflage', publisher: 'Mohr Siebeck', placeOfPublication: 'Tübingen', publicationDate: '2024' });
    expect(res.body.records[0].isbns).toContain('9783161484100');
    const nothing = await request(api.app).post('/api/v1/catalogue/lookup').set('Authorization', api.keys.staffA).send({ title: 'no identifier' });
    expect(nothing.status).toBe(400);
  });

  it('asks the catalogue once for the same item within cacheSeconds, and again after a failed lookup', async () => {
    const setCache = (seconds: number) => request(api.app).patch(`/api/v1/libraries/${LIBRARY_A}`).set('Authorization', api.keys.admin).send({ settings: { catalogue: catalogue(seconds) } });
    expect((await setCache(60)).status).toBe(200);
    try {
      const isbn = '978-3-16-148410-0';
      // A failure is not kept: the catalogue is asked again as soon as it is back.
      sru.setMode({ kind: 'garbage' });
      expect((await borrow({ isbn })).data.routing.holdings.outcome).toBe('directory');
      sru.setMode({ kind: 'file', path: GVI_ANSWER });
      const asked = sru.requests.length;
      const first = await borrow({ isbn });
      const second = await borrow({ isbn });
      expect(sru.requests.length).toBe(asked + 1);
      expect(rotaOf(second)).toEqual(rotaOf(first));
      expect(second.data.routing.holdings.lookups[0]).toMatchObject({ ok: true, cached: true });
    } finally {
      await setCache(0);
    }
  });

  it('routes from the directory when no holder can serve it, leaving out the holders the catalogue ruled out', async () => {
    const holding = (isil: string, ill: string) => `<datafield tag="924" ind1="0" ind2=" "><subfield code="b">${isil}</subfield><subfield code="d">${ill}</subfield></datafield>`;
    const body = `<?xml version="1.0"?><zs:searchRetrieveResponse xmlns:zs="http://www.loc.gov/zing/srw/"><zs:version>1.2</zs:version><zs:numberOfRecords>1</zs:numberOfRecords><zs:records><zs:record><zs:recordSchema>marcxml</zs:recordSchema><zs:recordPacking>xml</zs:recordPacking><zs:recordData><record><leader>00000nam a2200000 c 4500</leader><controlfield tag="001">1</controlfield>${holding('DE-18', 'd')}${holding('DE-21', 'e')}</record></zs:recordData><zs:recordPosition>1</zs:recordPosition></zs:record></zs:records></zs:searchRetrieveResponse>`;
    sru.setMode({ kind: 'body', body, contentType: 'text/xml' });
    try {
      const made = await borrow({ isbn: '9783161484100' });
      expect(made.data.routing.holdings).toMatchObject({ outcome: 'directory', reason: 'no holder in the catalogue can serve this request' });
      // Every other partner is asked; the two holders are not, with what their holdings say.
      expect(rotaOf(made)).toEqual(expect.arrayContaining([LIBRARY_B, 'ISIL:DE-705', NOT_A_HOLDER]));
      expect(rotaOf(made)).not.toContain('ISIL:DE-18');
      expect(rotaOf(made)).not.toContain('ISIL:DE-21');
      const skipped = Object.fromEntries(made.data.routing.explanation.filter((v) => !v.kept).map((v) => [v.symbol, v.reason]));
      expect(skipped).toMatchObject({ 'ISIL:DE-18': expect.stringContaining('no interlibrary loan'), 'ISIL:DE-21': expect.stringContaining('electronic') });
    } finally {
      sru.setMode({ kind: 'file', path: GVI_ANSWER });
    }
  });

  describe.each<[string, Parameters<SruTestServer['setMode']>[0], RegExp]>([
    ['is down', { kind: 'body', body: 'Service Unavailable', status: 503, contentType: 'text/plain' }, /503/],
    ['is slower than its timeout', { kind: 'slow', delayMs: 4000 }, /no answer within 2 s/],
    ['answers garbage', { kind: 'garbage' }, /not usable XML/],
    ['answers an SRU diagnostic', { kind: 'diagnostic', uri: 'info:srw/diagnostic/1/10', message: 'Query syntax error' }, /syntax/i],
  ])('a catalogue that %s', (_name, mode, why) => {
    afterAll(() => sru.setMode({ kind: 'file', path: GVI_ANSWER }));

    it('leaves the request routed from the directory, with the reason kept', async () => {
      sru.setMode(mode);
      const made = await borrow({ isbn: '9783161484100' });
      expect(rotaOf(made)).toEqual(expect.arrayContaining([LIBRARY_B, ...HOLDERS, NOT_A_HOLDER]));
      expect(made.data.routing.explanation[0]!.reason).toMatch(/in the directory/);
      const { holdings } = made.data.routing;
      expect(holdings.outcome).toBe('directory');
      expect(holdings.lookups[0]!.ok).toBe(false);
      expect(holdings.reason).toMatch(why);
    });

    it('answers a form lookup with the reason, not an error', async () => {
      sru.setMode(mode);
      const res = await request(api.app).post('/api/v1/catalogue/lookup').set('Authorization', api.keys.staffA).send({ isbn: '9783161484100' });
      expect(res.status).toBe(200);
      expect(res.body.records).toEqual([]);
      expect(res.body.reason).toMatch(why);
    });
  });
});
