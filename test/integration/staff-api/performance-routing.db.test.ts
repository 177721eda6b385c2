/**
 * The performance strategy on constructed histories: over the past months the library's requests
 * went to three partners. FAST filled most of them within hours; SLOW answered after days and
 * seldom filled; NEW was never asked. A new request asks FAST first, NEW next (a new partner
 * starts at the neutral prior, so it still gets asked), SLOW last; the dry run and the stored
 * routing explanation give each lender's score and its parts.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { insertPartner } from '../../../src/store/partners';
import { Borrowing, insertHistories } from '../../helpers/histories';
import { LIBRARY_A, startStaffApi, type StaffApi } from '../../helpers/staff-api';

const FAST = 'ISIL:DE-FAST';
const SLOW = 'ISIL:DE-SLOW';
const NEW = 'ISIL:DE-NEW';
const HOUR = 3_600_000;

describe('routing by how lenders have performed (strategy performance)', () => {
  let api: StaffApi;
  beforeAll(async () => {
    api = await startStaffApi();
    for (const symbol of [FAST, SLOW, NEW]) {
      await insertPartner(api.database.db, { id: randomUUID(), symbol, name: symbol, iso18626Url: null, auth: {}, policies: {}, vendor: null, contactEmail: null, status: 'active' });
    }
    const start = Date.now() - 90 * 24 * HOUR;
    const at = (hours: number) => new Date(start + hours * HOUR);
    const histories = [];
    for (let i = 0; i < 12; i++) {
      const t = i * 72;
      const asked = new Borrowing({ libraryId: api.libraryIds.a, library: LIBRARY_A, at: at(t) }, i % 4 === 0 ? [SLOW, FAST] : [FAST, SLOW]);
      // SLOW answers after three days, Unfilled; FAST ships within five hours (one in six it has no copy).
      if (i % 4 === 0) asked.unfilled('NotAvailableForILL', at(t + 72));
      const offset = i % 4 === 0 ? 72 : 0;
      if (i % 6 === 5) asked.unfilled('NotOnShelf', at(t + offset + 2)).unfilled('NotHeld', at(t + offset + 80));
      else asked.willSupply(at(t + offset + 2)).loaned(at(t + offset + 5));
      histories.push(asked.history());
    }
    await insertHistories(api.database.db, histories);
    const res = await request(api.app).patch(`/api/v1/libraries/${LIBRARY_A}`).set('Authorization', api.keys.admin).send({ settings: { routing: { strategy: 'performance', performance: { minSample: 3 } } } });
    expect(res.status).toBe(200);
  });
  afterAll(() => api.database.close());

  const reasons = (explanation: { symbol: string; reason: string }[]) => Object.fromEntries(explanation.map((v) => [v.symbol, v.reason]));

  it('asks the lender that fills most and fastest first, a partner never asked next, the slow one last: in the dry run', async () => {
    const res = await request(api.app).post('/api/v1/routing/dry-run').set('Authorization', api.keys.staffA).send({ candidates: [{ symbol: SLOW }, { symbol: NEW }, { symbol: FAST }] });
    expect(res.status).toBe(200);
    expect(res.body.strategy).toBe('performance');
    expect(res.body.rota.map((e: { symbol: string }) => e.symbol)).toEqual([FAST, NEW, SLOW]);
    const why = reasons(res.body.explanation);
    expect(why[FAST]).toMatch(/^score 0\.\d\d: fill rate 0\.\d\d over \d+ requests, median answer 2 h, median to ship 5 h; 0 open requests from us$/);
    expect(why[NEW]).toBe('score 0.50: no request ended yet (neutral prior), median answer not known yet, median to ship not known yet; 0 open requests from us');
    expect(why[SLOW]).toMatch(/^score 0\.\d\d: fill rate 0\.00 over \d+ requests, median answer 3 d/);
  });

  it('stores the same order and explanation on a new request', async () => {
    const res = await request(api.app).post('/api/v1/requests').set('Authorization', api.keys.staffA).send({ bibliographic: { title: 'Any book' }, patron: { id: 'P-1' }, candidates: [{ symbol: SLOW }, { symbol: FAST }] });
    expect(res.status).toBe(201);
    expect(res.body.data.lifecycle.rota.map((e: { symbol: string }) => e.symbol)).toEqual([FAST, SLOW]);
    expect(res.body.data.routing.strategy).toBe('performance');
    expect(reasons(res.body.data.routing.explanation)[FAST]).toMatch(/^score /);
  });
});
