import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { insertPartner } from '../../../src/store/partners';
import { requests } from '../../../src/store/schema';
import { LIBRARY_A, LIBRARY_B, startStaffApi, type StaffApi } from '../../helpers/staff-api';

describe('routing dry run (POST /api/v1/routing/dry-run)', () => {
  let api: StaffApi;
  beforeAll(async () => {
    api = await startStaffApi();
    const partner = (symbol: string, policies: Record<string, unknown>) =>
      insertPartner(api.database.db, { id: randomUUID(), symbol, name: symbol, iso18626Url: null, auth: {}, policies, vendor: null, contactEmail: null, status: 'active' });
    await partner('ISIL:DK-300', {});
    await partner('ISIL:DK-400', { services: ['Copy'] });
  });
  afterAll(() => api.database.close());

  const dryRun = (key: string, body: Record<string, unknown>) => request(api.app).post('/api/v1/routing/dry-run').set('Authorization', key).send(body);

  it('returns the rota and the reason for every supplier, and stores nothing', async () => {
    const res = await dryRun(api.keys.staffA, { candidates: [{ symbol: 'isil:dk-400' }, { symbol: 'ISIL:DK-300', callNumber: 'PZ3 .L4' }, { symbol: LIBRARY_A }] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      library: LIBRARY_A,
      strategy: 'as_given',
      rota: [{ symbol: 'ISIL:DK-300', callNumber: 'PZ3 .L4' }],
      explanation: [
        { symbol: 'ISIL:DK-300', kept: true, rank: 1, reason: 'position 2 as given' },
        { symbol: 'ISIL:DK-400', kept: false, reason: 'does not supply loans' },
        { symbol: LIBRARY_A, kept: false, reason: 'is the requesting library itself' },
      ],
    });
    expect(await api.database.db.select().from(requests)).toEqual([]);
  });

  it('considers every partner and every other member library when no candidates are given, and says the rota came from the directory', async () => {
    const res = await dryRun(api.keys.staffA, { serviceType: 'Copy' });
    expect(res.body.rota).toEqual([{ symbol: LIBRARY_B }, { symbol: 'ISIL:DK-300' }, { symbol: 'ISIL:DK-400' }]);
    expect(res.body.explanation).toEqual([
      { symbol: LIBRARY_B, kept: true, rank: 1, reason: 'position 1 in the directory (no candidates were given)' },
      { symbol: 'ISIL:DK-300', kept: true, rank: 2, reason: 'position 2 in the directory (no candidates were given)' },
      { symbol: 'ISIL:DK-400', kept: true, rank: 3, reason: 'position 3 in the directory (no candidates were given)' },
    ]);
  });

  it('judges a member library by its own lending settings, as a partner by its policies', async () => {
    const lending = (policies: Record<string, unknown> | null) =>
      request(api.app).patch(`/api/v1/libraries/${LIBRARY_B}`).set('Authorization', api.keys.admin).send({ settings: { lending: policies } });
    expect((await lending({ services: ['Loan'], reciprocalOnly: true, reciprocalPartners: [LIBRARY_A] })).status).toBe(200);
    const copy = await dryRun(api.keys.staffA, { serviceType: 'Copy', candidates: [{ symbol: LIBRARY_B }] });
    expect(copy.body.explanation).toEqual([{ symbol: LIBRARY_B, kept: false, reason: 'does not supply copies' }]);
    const loan = await dryRun(api.keys.staffA, { serviceType: 'Loan', candidates: [{ symbol: LIBRARY_B }] });
    expect(loan.body.explanation).toEqual([{ symbol: LIBRARY_B, kept: true, rank: 1, reason: 'position 1 as given' }]);
    // A is B's reciprocal partner, so B lends it loans; and B is never a supplier of its own request.
    const fromB = await dryRun(api.keys.staff, { library: LIBRARY_B, candidates: [{ symbol: LIBRARY_B }, { symbol: 'ISIL:DK-300' }] });
    expect(fromB.body.explanation).toEqual([
      { symbol: 'ISIL:DK-300', kept: true, rank: 1, reason: 'position 2 as given' },
      { symbol: LIBRARY_B, kept: false, reason: 'is the requesting library itself' },
    ]);
    const bad = await lending({ services: ['Teleport'] });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).errors.map((e: { path: string }) => e.path)).toEqual(['settings.lending.services.0']);
    expect((await lending(null)).status).toBe(200);
  });

  it('needs the library from a key that acts for all of them, and refuses bad input field by field', async () => {
    const missing = await dryRun(api.keys.staff, {});
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.text).errors).toEqual([{ path: 'library', message: 'is required: this key acts for all 2 libraries served here' }]);
    const bad = await dryRun(api.keys.staffA, { serviceType: 'Teleport', candidates: [{ symbol: 'no-scheme' }] });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).errors.map((e: { path: string }) => e.path).sort()).toEqual(['candidates.0.symbol', 'serviceType']);
  });

  it('is for staff: read-only keys and callers without a key are refused', async () => {
    expect((await dryRun(api.keys.readOnly, {})).status).toBe(403);
    expect((await request(api.app).post('/api/v1/routing/dry-run').send({})).status).toBe(401);
  });
});
