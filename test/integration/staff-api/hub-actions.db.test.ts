/**
 * Hub staff acting on a brokered transaction through the staff API (answers checked against the
 * OpenAPI document): cancel it, skip the current supplier, re-route it, close it. Each needs a reason, and the
 * requester hears it in the note of the ISO 18626 message the hub sends; the supplier moved on
 * from is sent a Cancel.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import request from 'supertest';
import { insertPartner } from '../../../src/store/partners';
import { insertRequest } from '../../../src/store/requests';
import { outbox } from '../../../src/store/schema';
import { LIBRARY_A, startStaffApi, type StaffApi } from '../../helpers/staff-api';

describe('staff API: hub staff on a brokered transaction', () => {
  let api: StaffApi;
  beforeAll(async () => {
    api = await startStaffApi();
    for (const symbol of ['ISIL:DK-901', 'ISIL:DK-401', 'ISIL:DK-402', 'ISIL:DK-403']) {
      await insertPartner(api.database.db, { id: randomUUID(), symbol, name: symbol, iso18626Url: 'http://127.0.0.1:9/iso18626', auth: {}, policies: {}, vendor: null, contactEmail: null, status: 'active' });
    }
  });
  afterAll(() => api.database.close());

  const post = (path: string, body: unknown, key = api.keys.staffA) => request(api.app).post(`/api/v1${path}`).set('Authorization', key).send(body as object);
  const get = (path: string) => request(api.app).get(`/api/v1${path}`).set('Authorization', api.keys.staffA);

  /** A transaction library A brokers for DK-901, with DK-401 asked first and its candidates. */
  const brokered = (state = 'searching') =>
    insertRequest(
      api.database.db,
      {
        id: randomUUID(),
        libraryId: api.libraryIds.a,
        role: 'broker',
        state,
        serviceType: 'Loan',
        requestingAgencyId: 'ISIL:DK-901',
        requestingAgencyRequestId: `theirs-${randomUUID().slice(0, 8)}`,
        supplyingAgencyId: null,
        supplyingAgencyRequestId: null,
        data: {
          bibliographic: { title: 'Kindred' },
          candidates: [{ symbol: 'ISIL:DK-401' }, { symbol: 'ISIL:DK-402' }, { symbol: 'ISIL:DK-403' }],
          broker: { symbol: LIBRARY_A, mode: 'opaque' },
          lifecycle: { serviceType: 'Loan', rota: [{ symbol: 'ISIL:DK-401' }, { symbol: 'ISIL:DK-402' }], rotaIndex: 0 },
        },
      },
      new Date(),
    );
  /** What the hub sent: [to, kind/action or status, note]. */
  const sent = async (id: string) =>
    (await api.database.db.select().from(outbox).where(and(eq(outbox.requestId, id), eq(outbox.queue, 'delivery'))).orderBy(asc(outbox.seq))).map((row) => {
      const { to, message } = row.payload as { to: string; message: { kind: string; action?: string; status?: string; reasonForMessage?: string; note?: string } };
      return [to, message.action ?? `${message.reasonForMessage ?? message.kind} ${message.status ?? ''}`.trim(), message.note];
    });

  it('offers hub staff skip_supplier, reroute, cancel and close while the hub searches', async () => {
    const row = await brokered();
    expect((await get(`/requests/${row.id}`).expect(200)).body.actions).toEqual(['skip_supplier', 'reroute', 'cancel', 'close_manually']);
  });

  it('closes a transaction in any state that has not ended: the requester hears why, the supplier is left to staff', async () => {
    const row = await brokered('shipped');
    const res = await post(`/requests/${row.id}/actions`, { action: 'close_manually', params: { reason: 'returned by courier outside the system' }, version: row.version });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'closed', actions: [] });
    expect(await sent(row.id)).toEqual([['ISIL:DK-901', 'Notification ExpectToSupply', 'Closed by the broker: returned by courier outside the system']]);
  });

  it('cancels: the supplier is withdrawn from and the requester hears a StatusChange Cancelled with the reason', async () => {
    const row = await brokered('will_supply');
    const res = await post(`/requests/${row.id}/actions`, { action: 'cancel', params: { reason: 'the requester phoned: no longer needed' }, version: row.version });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'cancelled', actions: [] });
    expect(await sent(row.id)).toEqual([
      ['ISIL:DK-401', 'Cancel', 'The broker has withdrawn the request: the requester phoned: no longer needed'],
      ['ISIL:DK-901', 'StatusChange Cancelled', 'Cancelled by the broker: the requester phoned: no longer needed'],
    ]);
  });

  it('skips the current supplier: it gets a Cancel, the next is asked and the requester hears why', async () => {
    const row = await brokered();
    const res = await post(`/requests/${row.id}/actions`, { action: 'skip_supplier', params: { reason: 'DK-401 is closed this week' }, version: row.version });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'searching', partner: 'ISIL:DK-402' });
    expect(await sent(row.id)).toEqual([
      ['ISIL:DK-401', 'Cancel', 'The broker has withdrawn the request: DK-401 is closed this week'],
      ['ISIL:DK-402', 'request', undefined],
      ['ISIL:DK-901', 'Notification ExpectToSupply', 'ISIL:DK-401 (supplier 1 of 2) was skipped by broker staff: DK-401 is closed this week; asking ISIL:DK-402 (supplier 2 of 2)'],
    ]);
  });

  it('re-routes from today’s directory with the candidates it came with, and tells the requester', async () => {
    const row = await brokered();
    await request(api.app).patch('/api/v1/partners/ISIL:DK-401').set('Authorization', api.keys.admin).send({ status: 'suspended' }).expect(200);
    const res = await post(`/requests/${row.id}/actions`, { action: 'reroute', params: { reason: 'DK-401 suspended its lending' }, version: row.version });
    await request(api.app).patch('/api/v1/partners/ISIL:DK-401').set('Authorization', api.keys.admin).send({ status: 'active' }).expect(200);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'searching', partner: 'ISIL:DK-402', data: { lifecycle: { rota: [{ symbol: 'ISIL:DK-401' }, { symbol: 'ISIL:DK-402' }, { symbol: 'ISIL:DK-403' }], rotaIndex: 1 } } });
    expect(res.body.data.routing.explanation).toContainEqual({ symbol: 'ISIL:DK-401', kept: false, reason: 'is suspended in the directory' });
    const messages = await sent(row.id);
    expect(messages[0]).toEqual(['ISIL:DK-401', 'Cancel', 'The broker has withdrawn the request: DK-401 suspended its lending']);
    expect(messages[2]).toEqual(['ISIL:DK-901', 'Notification ExpectToSupply', expect.stringContaining('broker staff re-routed the request (DK-401 suspended its lending)')]);
  });

  it('needs a reason, and cancel is not offered once the item has shipped', async () => {
    const row = await brokered();
    const res = await post(`/requests/${row.id}/actions`, { action: 'cancel', version: row.version });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'params.reason', message: expect.any(String) }]);
    const shipped = await brokered('shipped');
    const refused = await post(`/requests/${shipped.id}/actions`, { action: 'cancel', params: { reason: 'too late' }, version: shipped.version });
    expect(refused.status).toBe(409);
    expect(refused.body.current).toMatchObject({ state: 'shipped', actions: ['close_manually'] });
  });

  it('is for the hub library’s staff only', async () => {
    const row = await brokered();
    const res = await post(`/requests/${row.id}/actions`, { action: 'cancel', params: { reason: 'not ours' }, version: row.version }, api.keys.staffB);
    expect(res.status).toBe(404);
  });
});
