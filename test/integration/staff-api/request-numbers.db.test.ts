/**
 * The request number people use: each library counts its own requests from 1, borrowing and
 * lending alike, in the order they came; the number is never given twice, not even to requests
 * stored at the same instant; and staff find a request by it.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { insertRequest } from '../../../src/store/requests';
import { borrowing, LIBRARY_A, startStaffApi, type StaffApi } from '../../helpers/staff-api';

describe('request numbers', () => {
  let api: StaffApi;
  beforeAll(async () => {
    api = await startStaffApi();
  });
  afterAll(() => api.database.close());

  const place = async (key: string, title: string) => {
    const res = await request(api.app).post('/api/v1/requests').set('Authorization', key).send(borrowing({ bibliographic: { title } }));
    expect(res.status).toBe(201);
    return res.body as { id: string; requestNumber: string };
  };
  const numberOf = (created: { requestNumber: string }) => Number(created.requestNumber);

  it('counts each library’s requests on its own, from where it stands, one after another', async () => {
    const a1 = await place(api.keys.staffA, 'Kindred');
    const b1 = await place(api.keys.staffB, 'Dawn');
    const a2 = await place(api.keys.staffA, 'Wild Seed');
    expect(numberOf(a2)).toBe(numberOf(a1) + 1);
    expect(numberOf(b1)).toBe(1);
    const shown = await request(api.app).get(`/api/v1/requests/${a2.id}`).set('Authorization', api.keys.staffA);
    expect(shown.body.requestNumber).toBe(a2.requestNumber);
  });

  it('counts lending requests with the borrowing ones: the number names one request of the library', async () => {
    const before = numberOf(await place(api.keys.staffA, 'Parable of the Sower'));
    const lent = await insertRequest(
      api.database.db,
      { id: randomUUID(), libraryId: api.libraryIds.a, role: 'supplier', state: 'received', serviceType: 'Loan', requestingAgencyId: 'ISIL:DK-900', requestingAgencyRequestId: 'THEIRS-1', supplyingAgencyId: LIBRARY_A, data: { bibliographic: { title: 'Fledgling' } } },
      new Date(),
    );
    expect(lent.number).toBe(before + 1);
  });

  it('gives requests placed at the same moment different numbers, with none skipped', async () => {
    const first = numberOf(await place(api.keys.staffA, 'Bloodchild'));
    const placed = await Promise.all(Array.from({ length: 12 }, (_, i) => place(api.keys.staffA, `Lilith’s Brood ${i}`)));
    const numbers = placed.map(numberOf).sort((x, y) => x - y);
    expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => first + 1 + i));
  });

  it('finds a request by its number, typed with or without #, and only in the libraries staff work for', async () => {
    const a = await place(api.keys.staffA, 'Mind of My Mind');
    const ids = async (query: string, key: string) => ((await request(api.app).get(`/api/v1/requests?${query}`).set('Authorization', key)).body.items as { id: string }[]).map((r) => r.id);
    expect(await ids(`q=${a.requestNumber}`, api.keys.staffA)).toContain(a.id);
    expect(await ids(`q=${encodeURIComponent(`#${a.requestNumber}`)}`, api.keys.staffA)).toContain(a.id);
    expect(await ids(`barcode=${a.requestNumber}`, api.keys.staffA)).toEqual([a.id]);
    expect(await ids(`barcode=${a.requestNumber}`, api.keys.staffB)).not.toContain(a.id);
  });
});
