/**
 * Finding a request the way ILL staff do: typing part of a title or a name as it comes to mind
 * (without its accents, in any case), a patron, a partner's request number, or scanning the
 * barcode on a book band.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { RequestDataInput } from '../../../src/store/request-data';
import { insertRequest } from '../../../src/store/requests';
import { LIBRARY_A, LIBRARY_B, startStaffApi, type StaffApi } from '../../helpers/staff-api';

describe('staff API: searching requests (GET /requests?q=, ?barcode=)', () => {
  let api: StaffApi;
  const id: Record<string, string> = {};
  beforeAll(async () => {
    api = await startStaffApi();
    let clock = Date.parse('2026-05-01T09:00:00Z');
    const add = async (name: string, fields: { library?: 'a' | 'b'; role?: 'requester' | 'supplier'; requestingAgencyRequestId?: string; supplyingAgencyRequestId?: string; data: RequestDataInput }) => {
      id[name] = randomUUID();
      const role = fields.role ?? 'requester';
      const library = fields.library === 'b' ? LIBRARY_B : LIBRARY_A;
      await insertRequest(
        api.database.db,
        {
          id: id[name]!,
          libraryId: fields.library === 'b' ? api.libraryIds.b : api.libraryIds.a,
          role,
          state: role === 'requester' ? 'sent_to_supplier' : 'received',
          serviceType: 'Loan',
          requestingAgencyId: role === 'requester' ? library : 'ISIL:DK-900',
          requestingAgencyRequestId: fields.requestingAgencyRequestId ?? id[name]!,
          supplyingAgencyId: role === 'requester' ? 'ISIL:DK-900' : library,
          supplyingAgencyRequestId: fields.supplyingAgencyRequestId ?? null,
          data: fields.data,
        },
        new Date((clock += 60_000)),
      );
    };
    await add('geb', { data: { bibliographic: { title: 'Gödel, Escher, Bach', author: 'Hofstadter, Douglas R.' }, patron: { id: 'P-ÅSE-1', name: 'Åse Kjærgård' } } });
    await add('works', { supplyingAgencyRequestId: 'LEND-77', data: { bibliographic: { title: 'Collected Works', author: 'GÖDEL, KURT' }, patron: { id: 'P-2' }, ncip: { itemId: 'TMP-000123' } } });
    await add('strasse', { data: { bibliographic: { title: 'Die Straße', author: 'Æbelø, Søren' }, patron: { id: 'P-3' } } });
    await add('lodz', { data: { bibliographic: { title: 'Łódź w czasach przełomu', author: 'Żuławski' }, patron: { id: 'P-4' } } });
    await add('lent', { role: 'supplier', requestingAgencyRequestId: 'ILL-2026-0042', data: { bibliographic: { title: 'Solaris' }, lifecycle: { serviceType: 'Loan', itemId: '31234000567' } } });
    await add('elsewhere', { library: 'b', data: { bibliographic: { title: 'Gödel’s Proof' }, patron: { id: 'P-5' }, ncip: { itemId: 'TMP-000999' } } });
  });
  afterAll(() => api.database.close());

  const found = async (query: string, key = api.keys.staffA) => {
    const res = await request(api.app).get(`/api/v1/requests${query}`).set('Authorization', key);
    expect([query, res.status]).toEqual([query, 200]);
    const names = Object.fromEntries(Object.entries(id).map(([name, value]) => [value, name]));
    return (res.body.items as { id: string }[]).map((i) => names[i.id]);
  };

  it('finds a title or an author without its accents, and in any case', async () => {
    expect(await found('?q=godel')).toEqual(['works', 'geb']);
    expect(await found('?q=GODEL')).toEqual(['works', 'geb']);
    expect(await found('?q=gödel')).toEqual(['works', 'geb']);
    expect(await found(`?q=${encodeURIComponent('GÖDEL escher')}`)).toEqual(['geb']);
    expect(await found('?q=lodz')).toEqual(['lodz']);
    expect(await found('?q=zulawski')).toEqual(['lodz']);
  });

  it('spells out the letters staff type as two (æ, ø, ß), as unaccent does', async () => {
    expect(await found('?q=aebelo')).toEqual(['strasse']);
    expect(await found('?q=soren')).toEqual(['strasse']);
    expect(await found('?q=strasse')).toEqual(['strasse']);
    expect(await found(`?q=${encodeURIComponent('STRAẞE')}`)).toEqual(['strasse']);
  });

  it('finds the patron by name and by id', async () => {
    expect(await found('?q=kjaergard')).toEqual(['geb']);
    expect(await found(`?q=${encodeURIComponent('åse')}`)).toEqual(['geb']);
    expect(await found('?q=p-ase-1')).toEqual(['geb']);
  });

  it('finds the partner’s request id and the item and temporary barcodes, in part', async () => {
    expect(await found('?q=lend-77')).toEqual(['works']);
    expect(await found('?q=ILL-2026')).toEqual(['lent']);
    expect(await found('?q=tmp-000123')).toEqual(['works']);
    expect(await found('?q=31234000')).toEqual(['lent']);
  });

  it('finds a scanned barcode or request number exactly, in one lookup', async () => {
    expect(await found('?barcode=TMP-000123')).toEqual(['works']);
    expect(await found('?barcode=31234000567')).toEqual(['lent']);
    expect(await found('?barcode=ILL-2026-0042')).toEqual(['lent']);
    expect(await found('?barcode=LEND-77')).toEqual(['works']);
    expect(await found(`?barcode=${id.strasse}`)).toEqual(['strasse']);
    expect(await found('?barcode=TMP-0001')).toEqual([]);
    expect(await found('?barcode=31234000567&role=requester')).toEqual([]);
  });

  it('searches only the key’s own library, and every library for a key of all of them', async () => {
    expect(await found('?barcode=TMP-000999')).toEqual([]);
    expect(await found('?barcode=TMP-000999', api.keys.staff)).toEqual(['elsewhere']);
    expect(await found('?q=godel', api.keys.staff)).toEqual(['elsewhere', 'works', 'geb']);
  });

  it('treats LIKE wildcards in a word as text', async () => {
    expect(await found('?q=%25')).toEqual([]);
    expect(await found('?q=_')).toEqual([]);
  });
});
