/**
 * The retry flow through the staff API (answers checked against the OpenAPI document): the lender
 * offers a retry, the borrower sees the offer in the request and takes it up or declines it, and a
 * lending request shows which request it retries and by which it was retried.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { insertRequest, updateRequest } from '../../../src/store/requests';
import { startStaffApi, type StaffApi } from '../../helpers/staff-api';

describe('staff API: the retry flow', () => {
  let api: StaffApi;
  beforeAll(async () => {
    api = await startStaffApi();
  });
  afterAll(() => api.database.close());

  const post = (path: string, body: unknown) => request(api.app).post(`/api/v1${path}`).set('Authorization', api.keys.staffA).send(body as object);
  const get = (path: string) => request(api.app).get(`/api/v1${path}`).set('Authorization', api.keys.staffA);
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

  /** A lending request of library A, as a partner's request leaves it. */
  const lending = (data: Record<string, unknown> = {}) =>
    insertRequest(
      api.database.db,
      {
        id: randomUUID(),
        libraryId: api.libraryIds.a,
        role: 'supplier',
        state: 'validated',
        serviceType: 'Loan',
        requestingAgencyId: 'ISIL:DK-900',
        requestingAgencyRequestId: `their-${randomUUID().slice(0, 8)}`,
        supplyingAgencyId: 'ISIL:DK-100',
        supplyingAgencyRequestId: null,
        data: { bibliographic: { title: 'Kindred' }, lifecycle: { serviceType: 'Loan' }, ...data },
      },
      new Date(),
    );

  /** A borrowing request of library A whose supplier offered a retry. */
  const offered = (offer: { reason: string; retryAfter?: string; note?: string }) =>
    insertRequest(
      api.database.db,
      {
        id: randomUUID(),
        libraryId: api.libraryIds.a,
        role: 'requester',
        state: 'retry_offered',
        serviceType: 'Loan',
        requestingAgencyId: 'ISIL:DK-100',
        requestingAgencyRequestId: `ours-${randomUUID().slice(0, 8)}`,
        supplyingAgencyId: null,
        supplyingAgencyRequestId: null,
        data: {
          bibliographic: { title: 'Kindred', edition: '1st' },
          lifecycle: { serviceType: 'Loan', rota: [{ symbol: 'ISIL:DK-901' }, { symbol: 'ISIL:DK-902' }], rotaIndex: 0, lastStatus: 'RetryPossible', retryOffer: { supplier: 'ISIL:DK-901', at: new Date().toISOString(), ...offer } },
        },
      },
      new Date(),
    );

  it('offers a retry from a lending request, with its window and price, and then offers nothing more', async () => {
    const row = await lending();
    const detail = await get(`/requests/${row.id}`).expect(200);
    expect(detail.body.actions).toEqual(['will_supply', 'add_conditions', 'cannot_supply', 'offer_retry', 'ship']);
    const retryBefore = inDays(30);
    const res = await post(`/requests/${row.id}/actions`, { action: 'offer_retry', params: { reason: 'CostExceedsMaxCost', retryBefore, offeredCosts: { monetaryValue: 25, currencyCode: 'EUR' } }, version: row.version });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'retry_offered', actions: [], data: { lifecycle: { lastStatus: 'RetryPossible', retryOffer: { reason: 'CostExceedsMaxCost', retryBefore, offeredCosts: { monetaryValue: '25', currencyCode: 'EUR' } } } } });
  });

  it('refuses an offer whose window closes before it opens, naming the field', async () => {
    const row = await lending();
    const res = await post(`/requests/${row.id}/actions`, { action: 'offer_retry', params: { reason: 'OnLoan', retryAfter: '2027-03-01', retryBefore: '2027-02-01' }, version: row.version });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'params.retryBefore', message: 'must come after retryAfter' }]);
  });

  it('shows the borrower the offer and what staff can do with it; accepting sends a Retry under a new id with the edits kept', async () => {
    const row = await offered({ reason: 'NotFoundAsCited', note: 'we hold the 2nd edition' });
    const detail = await get(`/requests/${row.id}`).expect(200);
    expect(detail.body).toMatchObject({ state: 'retry_offered', actions: ['accept_retry', 'decline_retry', 'cancel', 'close_manually'], data: { lifecycle: { retryOffer: { reason: 'NotFoundAsCited', note: 'we hold the 2nd edition', supplier: 'ISIL:DK-901' } } } });
    const res = await post(`/requests/${row.id}/actions`, { action: 'accept_retry', params: { edition: '2nd', maxCost: { monetaryValue: '12.50', currencyCode: 'EUR' }, needBeforeDate: '2027-06-30' }, version: row.version });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      state: 'sent_to_supplier',
      requestingAgencyRequestId: `${row.requestingAgencyRequestId}-R1`,
      data: { bibliographic: { edition: '2nd' }, billing: { maxCost: { monetaryValue: '12.50', currencyCode: 'EUR' } }, neededBy: '2027-06-30', lifecycle: { earlierRequestIds: [row.requestingAgencyRequestId] } },
    });
    expect(res.body.data.lifecycle.retryOffer).toBeUndefined();
  });

  it('shows when a retry accepted before its retryAfter goes out', async () => {
    const retryAfter = inDays(3);
    const row = await offered({ reason: 'OnLoan', retryAfter });
    const res = await post(`/requests/${row.id}/actions`, { action: 'accept_retry', version: row.version });
    expect(res.body).toMatchObject({ state: 'retry_scheduled', actions: ['decline_retry', 'cancel', 'close_manually'], data: { lifecycle: { retryAt: retryAfter } } });
  });

  it('declines an offer: the next supplier is asked', async () => {
    const row = await offered({ reason: 'OnLoan' });
    const res = await post(`/requests/${row.id}/actions`, { action: 'decline_retry', params: { note: 'the patron cannot wait' }, version: row.version });
    expect(res.body).toMatchObject({ state: 'sent_to_supplier', partner: 'ISIL:DK-902', data: { lifecycle: { rotaIndex: 1 } } });
  });

  it('shows a lending request which request it retries, and the retried one by which it was retried', async () => {
    const previous = await lending({ lifecycle: { serviceType: 'Loan', lastStatus: 'RetryPossible' } });
    const retry = await lending({ retryOf: previous.id });
    await updateRequest(api.database.db, previous.id, previous.version, { data: { ...previous.data, retriedAs: retry.id } }, new Date());
    expect((await get(`/requests/${retry.id}`).expect(200)).body.data).toMatchObject({ retryOf: previous.id });
    expect((await get(`/requests/${previous.id}`).expect(200)).body.data).toMatchObject({ retriedAs: retry.id });
  });
});
