/**
 * Moving a borrowing request on from its lender through the staff API (answers checked against the
 * OpenAPI document): skipping the current supplier, and re-routing from today's directory. The
 * supplier moved on from is sent a Cancel for the rota position it was at; a supplier asked
 * before is never asked again.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import request from 'supertest';
import { insertPartner } from '../../../src/store/partners';
import { outbox } from '../../../src/store/schema';
import { borrowing, startStaffApi, type StaffApi } from '../../helpers/staff-api';

describe('staff API: moving a request along its rota', () => {
  let api: StaffApi;
  beforeAll(async () => {
    api = await startStaffApi();
    for (const symbol of ['ISIL:DK-301', 'ISIL:DK-302', 'ISIL:DK-303']) {
      await insertPartner(api.database.db, { id: randomUUID(), symbol, name: symbol, iso18626Url: 'http://127.0.0.1:9/iso18626', auth: {}, policies: {}, vendor: null, contactEmail: null, status: 'active' });
    }
  });
  afterAll(() => api.database.close());

  const post = (path: string, body: unknown, key = api.keys.staffA) => request(api.app).post(`/api/v1${path}`).set('Authorization', key).send(body as object);
  const get = (path: string) => request(api.app).get(`/api/v1${path}`).set('Authorization', api.keys.staffA);
  const setStatus = (symbol: string, status: string) => request(api.app).patch(`/api/v1/partners/${symbol}`).set('Authorization', api.keys.admin).send({ status }).expect(200);
  const create = async (...symbols: string[]) => {
    const res = await post('/requests', borrowing({ candidates: symbols.map((symbol) => ({ symbol })) }));
    expect(res.status).toBe(201);
    return res.body as { id: string; version: number; state: string; partner: string; actions: string[] };
  };
  const act = (id: string, version: number, action: string, params?: Record<string, unknown>) => post(`/requests/${id}/actions`, { action, version, ...(params ? { params } : {}) });
  /** What the request sent, in order: [recipient, the message's kind and action]. */
  const sent = async (id: string) =>
    (await api.database.db.select().from(outbox).where(and(eq(outbox.requestId, id), eq(outbox.queue, 'delivery'))).orderBy(asc(outbox.seq))).map((row) => {
      const { to, message } = row.payload as { to: string; message: { kind: string; action?: string; note?: string; rotaIndex?: number } };
      return [to, message.action ?? message.kind, message.note ?? null];
    });
  const notes = async (id: string) => ((await get(`/requests/${id}`).expect(200)).body.timeline as { kind: string; data?: { note?: string } }[]).filter((e) => e.kind === 'event').map((e) => e.data?.note);

  describe('skip_supplier', () => {
    it('is offered while the lender has not shipped; the lender is sent a Cancel and the next one is asked', async () => {
      const created = await create('ISIL:DK-301', 'ISIL:DK-302');
      expect(created).toMatchObject({ state: 'sent_to_supplier', partner: 'ISIL:DK-301', actions: ['skip_supplier', 'reroute', 'cancel', 'close_manually'] });
      const res = await act(created.id, created.version, 'skip_supplier', { note: 'they never answer before the semester starts' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ state: 'sent_to_supplier', partner: 'ISIL:DK-302', data: { lifecycle: { rotaIndex: 1 } } });
      expect(await sent(created.id)).toEqual([
        ['ISIL:DK-301', 'request', null],
        ['ISIL:DK-301', 'Cancel', 'The borrowing library has withdrawn the request: it goes to another library or is closed: they never answer before the semester starts'],
        ['ISIL:DK-302', 'request', null],
      ]);
      expect(await notes(created.id)).toContain('moved to ISIL:DK-302 (supplier 2 of 2): ISIL:DK-301 (supplier 1 of 2) was skipped by staff: they never answer before the semester starts');
    });

    it('ends the request unfilled when the skipped lender was the last one', async () => {
      const created = await create('ISIL:DK-301');
      const res = await act(created.id, created.version, 'skip_supplier');
      expect(res.body).toMatchObject({ state: 'unfilled', data: { lifecycle: { reason: 'rota exhausted: ISIL:DK-301 (supplier 1 of 1) was skipped by staff' } } });
      expect((await sent(created.id)).map(([to, what]) => [to, what])).toEqual([
        ['ISIL:DK-301', 'request'],
        ['ISIL:DK-301', 'Cancel'],
      ]);
    });

    it('is refused once the request has ended', async () => {
      const created = await create('ISIL:DK-301', 'ISIL:DK-302');
      const closed = await act(created.id, created.version, 'close_manually').expect(200);
      const res = await act(created.id, closed.body.version, 'skip_supplier');
      expect(res.status).toBe(409);
      expect(res.body.current).toMatchObject({ state: 'closed', actions: [] });
    });
  });

  describe('reroute', () => {
    afterEach(async () => {
      for (const symbol of ['ISIL:DK-301', 'ISIL:DK-302', 'ISIL:DK-303']) await setStatus(symbol, 'active');
    });

    it('routes again from today’s directory: a lender suspended since is withdrawn, the next asked, and the new explanation kept', async () => {
      const created = await create('ISIL:DK-301', 'ISIL:DK-302', 'ISIL:DK-303');
      await setStatus('ISIL:DK-301', 'suspended');
      await setStatus('ISIL:DK-302', 'suspended');
      const res = await act(created.id, created.version, 'reroute', { note: 'DK-301 closed for stocktaking' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ state: 'sent_to_supplier', partner: 'ISIL:DK-303', data: { lifecycle: { rota: [{ symbol: 'ISIL:DK-301' }, { symbol: 'ISIL:DK-303' }], rotaIndex: 1 } } });
      expect(res.body.data.routing.explanation).toEqual([
        { symbol: 'ISIL:DK-303', kept: true, rank: 1, reason: 'position 3 as given' },
        { symbol: 'ISIL:DK-301', kept: false, reason: 'is suspended in the directory' },
        { symbol: 'ISIL:DK-302', kept: false, reason: 'is suspended in the directory' },
      ]);
      expect((await sent(created.id)).map(([to, what]) => [to, what])).toEqual([
        ['ISIL:DK-301', 'request'],
        ['ISIL:DK-301', 'Cancel'],
        ['ISIL:DK-303', 'request'],
      ]);
    });

    it('keeps the lender when today’s rota still starts with it, and never asks a lender again', async () => {
      const created = await create('ISIL:DK-301', 'ISIL:DK-302', 'ISIL:DK-303');
      const skipped = await act(created.id, created.version, 'skip_supplier').expect(200);
      expect(skipped.body.partner).toBe('ISIL:DK-302');
      await setStatus('ISIL:DK-303', 'suspended');
      const res = await act(created.id, skipped.body.version, 'reroute');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ state: 'sent_to_supplier', partner: 'ISIL:DK-302', data: { lifecycle: { rota: [{ symbol: 'ISIL:DK-301' }, { symbol: 'ISIL:DK-302' }], rotaIndex: 1 } } });
      expect(res.body.data.routing.explanation).toEqual([
        { symbol: 'ISIL:DK-302', kept: true, rank: 1, reason: 'position 2 as given' },
        { symbol: 'ISIL:DK-301', kept: false, reason: 'was asked already for this request' },
        { symbol: 'ISIL:DK-303', kept: false, reason: 'is suspended in the directory' },
      ]);
      // Nothing new went out: DK-302 still has the request.
      expect((await sent(created.id)).map(([to, what]) => [to, what])).toEqual([
        ['ISIL:DK-301', 'request'],
        ['ISIL:DK-301', 'Cancel'],
        ['ISIL:DK-302', 'request'],
      ]);
      expect(await notes(created.id)).toContain('re-routed: ISIL:DK-302 (supplier 2 of 2) stays first, 0 after it; not asked again: ISIL:DK-301');
    });

    it('refuses when today’s directory offers nobody new, and changes nothing', async () => {
      const created = await create('ISIL:DK-301', 'ISIL:DK-302');
      await setStatus('ISIL:DK-302', 'inactive');
      await setStatus('ISIL:DK-301', 'suspended');
      const res = await act(created.id, created.version, 'reroute');
      expect(res.status).toBe(409);
      expect(res.body.detail).toBe('"reroute" is not possible while the request is sent_to_supplier: routing finds no supplier that was not asked already');
      expect(res.body.current).toMatchObject({ state: 'sent_to_supplier', version: created.version });
    });
  });

  describe('rerequest', () => {
    it('asks again for an unfilled request as a new one, with the edits, routed afresh and linked both ways', async () => {
      const created = await create('ISIL:DK-301');
      const ended = await act(created.id, created.version, 'skip_supplier').expect(200);
      expect(ended.body).toMatchObject({ state: 'unfilled', actions: ['rerequest'] });
      const maxCost = { monetaryValue: '15.00', currencyCode: 'EUR' };
      const res = await act(created.id, ended.body.version, 'rerequest', { edition: '2nd', serviceType: 'Copy', maxCost, needBeforeDate: '2027-06-30', candidates: [{ symbol: 'isil:dk-302' }], note: 'the patron takes a copy of any edition' });
      expect(res.status).toBe(200);
      expect(res.body.id).not.toBe(created.id);
      expect(res.body).toMatchObject({
        role: 'requester',
        state: 'sent_to_supplier',
        serviceType: 'Copy',
        partner: 'ISIL:DK-302',
        data: {
          rerequestOf: created.id,
          bibliographic: { title: 'The Left Hand of Darkness', edition: '2nd' },
          patron: { id: 'P-1001', name: 'Ada Lovelace' },
          pickupLocation: 'MAIN',
          neededBy: '2027-06-30',
          billing: { maxCost },
          candidates: [{ symbol: 'ISIL:DK-302' }],
          lifecycle: { serviceType: 'Copy', rota: [{ symbol: 'ISIL:DK-302' }], rotaIndex: 0 },
        },
      });
      const old = (await get(`/requests/${created.id}`).expect(200)).body;
      expect(old).toMatchObject({ state: 'unfilled', actions: [], data: { rerequestedAs: res.body.id } });
      expect(await notes(created.id)).toContain(`re-requested as request ${res.body.id}: the patron takes a copy of any edition`);
      expect(await notes(res.body.id)).toContain(`request created: a re-request of ${created.id}`);
      // The new request is made like any other: the patron hears it was received.
      const mail = await api.database.db.select().from(outbox).where(and(eq(outbox.requestId, res.body.id), eq(outbox.queue, 'notify')));
      expect(mail.map((row) => (row.payload as { notice: string }).notice)).toEqual(['request_received']);
    });

    it('asks again for a cancelled request, routed from the directory when no candidates are given', async () => {
      // Nobody routable: the request waits for staff, who cancel it.
      const created = await create('ISIL:DK-999');
      expect(created.state).toBe('validated');
      const cancelled = await act(created.id, created.version, 'cancel').expect(200);
      expect(cancelled.body).toMatchObject({ state: 'cancelled', actions: ['rerequest'] });
      const res = await act(created.id, cancelled.body.version, 'rerequest');
      expect(res.status).toBe(200);
      // The directory holds the partners and the other member library served here (ISIL:DK-200 sorts first).
      expect(res.body).toMatchObject({ state: 'sent_to_supplier', serviceType: 'Loan', partner: 'ISIL:DK-200', data: { rerequestOf: created.id, candidates: [] } });
      expect(res.body.data.routing.explanation[0]).toEqual({ symbol: 'ISIL:DK-200', kept: true, rank: 1, reason: 'position 1 in the directory (no candidates were given)' });
      expect(res.body.data.routing.explanation.map((v: { symbol: string }) => v.symbol)).toContain('ISIL:DK-301');
    });

    it('is refused while the request is under way, and a second time', async () => {
      const created = await create('ISIL:DK-301');
      const early = await act(created.id, created.version, 'rerequest');
      expect(early.status).toBe(409);
      expect(early.body.current).toMatchObject({ state: 'sent_to_supplier', actions: ['skip_supplier', 'reroute', 'cancel', 'close_manually'] });
      const ended = await act(created.id, created.version, 'skip_supplier').expect(200);
      await act(created.id, ended.body.version, 'rerequest').expect(200);
      const again = await act(created.id, ended.body.version + 1, 'rerequest');
      expect(again.status).toBe(409);
      expect(again.body.detail).toMatch(/was re-requested already, as /);
    });

    it('names a parameter the action does not take', async () => {
      const created = await create('ISIL:DK-301');
      const ended = await act(created.id, created.version, 'skip_supplier').expect(200);
      const res = await act(created.id, ended.body.version, 'rerequest', { maxCost: { monetaryValue: 'a lot', currencyCode: 'EUR' } });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ path: 'params.maxCost.monetaryValue', message: 'must be a decimal amount such as 25.00' }]);
    });
  });
});
