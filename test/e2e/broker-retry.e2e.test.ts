/**
 * The retry flow through a broker hub, on loopback: `hub` serves the broker ISIL:BROKER (opaque),
 * `borrower` the requesting library ISIL:DK-R, `lenders` the suppliers ISIL:DK-S1 and ISIL:DK-S3,
 * the hub's rota in that order. The hub relays a lender's retry offer to the borrower as a
 * Notification; the borrower's Retry goes back to the same lender, its decline (or its silence)
 * moves the hub's rota on.
 */
import { and, eq } from 'drizzle-orm';
import { createBorrowingRequest, parseBorrowingRequest } from '../../src/services/borrowing/borrowing';
import { listEvents } from '../../src/store/events';
import { getRequest, type RequestRow } from '../../src/store/requests';
import { protocolMessages, requests } from '../../src/store/schema';
import { act, lenderRequest, returnLoan, stateOf, trail, waitForState } from '../helpers/e2e';
import { addPartners, changeLibrarySettings, changePartner, startInstance, type Instance } from '../helpers/instances';
import { eventually } from '../helpers/queues';
import { validateAgainst } from '../helpers/xsd';

jest.setTimeout(120_000);

const inDays = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString();

describe('a retry offered through a broker hub', () => {
  let hub: Instance;
  let borrower: Instance;
  let lenders: Instance;

  beforeAll(async () => {
    [hub, borrower, lenders] = await Promise.all([startInstance('hub', ['ISIL:BROKER']), startInstance('borrower', ['ISIL:DK-R']), startInstance('lenders', ['ISIL:DK-S1', 'ISIL:DK-S3'])]);
    await changeLibrarySettings(hub, 'ISIL:BROKER', { broker: { mode: 'opaque' } });
    await addPartners(hub, [
      { symbol: 'ISIL:DK-R', name: 'Borrower', at: borrower },
      { symbol: 'ISIL:DK-S1', name: 'Lender one', at: lenders },
      { symbol: 'ISIL:DK-S3', name: 'Lender three', at: lenders },
    ]);
    // Everything goes through the hub; in transparent mode the real symbols lead there too.
    await addPartners(borrower, ['ISIL:BROKER', 'ISIL:DK-S1', 'ISIL:DK-S3'].map((symbol) => ({ symbol, name: symbol, at: hub })));
    await changePartner(borrower, 'ISIL:BROKER', { vendor: 'Broker' });
    await addPartners(lenders, ['ISIL:BROKER', 'ISIL:DK-R'].map((symbol) => ({ symbol, name: symbol, at: hub })));
  });
  afterAll(async () => {
    await Promise.all([hub?.destroy(), borrower?.destroy(), lenders?.destroy()]);
  });

  const borrow = () =>
    createBorrowingRequest(
      borrower.service.lifecycle,
      borrower.libraryIds['ISIL:DK-R']!,
      parseBorrowingRequest({
        serviceType: 'Loan',
        bibliographic: { title: 'The Word for World Is Forest', author: 'Le Guin, Ursula K.', isbn: '9780765324641' },
        patron: { id: 'P-3', name: 'Selver', email: 'selver@example.org' },
        pickupLocation: 'Main desk',
        candidates: [{ symbol: 'ISIL:BROKER' }],
      }),
      'staff:test',
      { channel: 'staff' },
    );

  const borrowing = async (id: string): Promise<RequestRow> => (await getRequest(borrower.service.runtime.database.db, id))!;
  const hubDb = () => hub.service.runtime.database.db;
  /** The hub's transaction for the borrower's request (it takes the borrower's id, also after a retry). */
  const brokered = (borrowingId: string) =>
    eventually(async () => {
      const { requestingAgencyRequestId } = await borrowing(borrowingId);
      const [row] = await hubDb().select().from(requests).where(and(eq(requests.role, 'broker'), eq(requests.requestingAgencyRequestId, requestingAgencyRequestId)));
      return row;
    }, 30_000);
  const lenderNow = async (borrowingId: string, library: string) => lenderRequest(lenders, await borrowing(borrowingId), library);
  const hubTrail = async (id: string) => (await listEvents(hubDb(), id)).filter((e) => e.fromState !== e.toState || e.data.effects !== undefined).map((e) => `${e.event} -> ${e.toState}`);

  async function expectSchemaValid(instance: Instance, requestId: string): Promise<void> {
    const sent = await instance.service.runtime.database.db.select().from(protocolMessages).where(and(eq(protocolMessages.requestId, requestId), eq(protocolMessages.direction, 'out')));
    for (const message of sent) expect({ type: message.messageType, ...(await validateAgainst('iso18626', message.rawXml)) }).toEqual({ type: message.messageType, valid: true, errors: [] });
  }

  /** The first lender offers a retry; the borrower sees the offer as one through the hub. */
  async function offered(params: Record<string, unknown>): Promise<{ request: RequestRow; hubId: string; first: RequestRow }> {
    const request = await borrow();
    const hubRow = await brokered(request.id);
    const first = await lenderNow(request.id, 'ISIL:DK-S1');
    await act(lenders, first.id, 'offer_retry', params);
    await waitForState(hub, hubRow.id, 'retry_offered');
    await waitForState(borrower, request.id, 'retry_offered');
    return { request, hubId: hubRow.id, first };
  }

  it('is taken up: the Retry goes through the hub to the same lender, which lends the item', async () => {
    const { request, hubId, first } = await offered({ reason: 'OnLoan', retryBefore: inDays(14), note: 'back next week' });
    expect((await borrowing(request.id)).data.lifecycle.retryOffer).toMatchObject({ reason: 'OnLoan', supplier: 'ISIL:BROKER', throughHub: true });

    const accepted = await act(borrower, request.id, 'accept_retry', { maxCost: { monetaryValue: '10', currencyCode: 'EUR' } });
    expect(accepted).toMatchObject({ state: 'sent_to_supplier', requestingAgencyRequestId: `${request.requestingAgencyRequestId}-R1` });

    // The hub's transaction took the new id: it is the same transaction, not a new brokered request.
    await eventually(async () => (await getRequest(hubDb(), hubId))?.state === 'searching', 30_000);
    const hubRow = (await getRequest(hubDb(), hubId))!;
    expect(hubRow).toMatchObject({ requestingAgencyRequestId: `${request.requestingAgencyRequestId}-R1`, data: { lifecycle: { earlierRequestIds: [request.requestingAgencyRequestId], rotaIndex: 0 }, billing: { maxCost: { monetaryValue: '10', currencyCode: 'EUR' } } } });
    expect(await hubDb().select().from(requests).where(eq(requests.role, 'broker'))).toHaveLength(1);

    const retried = await lenderNow(request.id, 'ISIL:DK-S1');
    expect(retried).toMatchObject({ requestingAgencyId: 'ISIL:BROKER', data: { retryOf: first.id, billing: { maxCost: { monetaryValue: '10', currencyCode: 'EUR' } } } });
    expect(await getRequest(lenders.service.runtime.database.db, first.id)).toMatchObject({ state: 'retry_offered', data: { retriedAs: retried.id } });

    await act(lenders, retried.id, 'ship', { dueDate: '2027-05-01T23:59:59Z' });
    await waitForState(borrower, request.id, 'shipped');
    await returnLoan(borrower, request.id, lenders, retried.id);
    await waitForState(hub, hubId, 'complete');

    expect(await trail(borrower, request.id)).toEqual([
      'created -> new',
      'validate -> sent_to_supplier',
      'supplier_message:RequestResponse/ExpectToSupply -> expect_to_supply',
      'supplier_message:Notification/RetryPossible -> retry_offered',
      'staff:accept_retry -> sent_to_supplier',
      'supplier_message:RequestResponse/Loaned -> shipped',
      'staff:mark_received -> received',
      'staff:check_out -> checked_out',
      'staff:mark_returned -> returned_by_patron',
      'staff:ship_return -> shipped_return',
      'supplier_message:StatusChange/LoanCompleted -> complete',
    ]);
    expect(await hubTrail(hubId)).toEqual([
      'request_received -> searching',
      'supplier_message:RequestResponse/RetryPossible -> retry_offered',
      'retry_request -> searching',
      'supplier_message:RequestResponse/Loaned -> shipped',
      'requester_message:Received -> shipped',
      'requester_message:ShippedReturn -> returned',
      'supplier_message:StatusChange/LoanCompleted -> complete',
    ]);
    await expectSchemaValid(hub, hubId);
    await expectSchemaValid(borrower, request.id);
  });

  it("is declined: the borrower tells the hub, and the hub asks its next lender", async () => {
    const { request, hubId, first } = await offered({ reason: 'CostExceedsMaxCost', offeredCosts: { monetaryValue: '40.00', currencyCode: 'EUR' }, retryBefore: inDays(14) });

    const declined = await act(borrower, request.id, 'decline_retry', { note: 'too expensive' });
    expect(declined).toMatchObject({ state: 'sent_to_supplier', requestingAgencyRequestId: request.requestingAgencyRequestId });

    const third = await lenderNow(request.id, 'ISIL:DK-S3');
    expect(third.state).toBe('validated');
    await act(lenders, third.id, 'will_supply');
    await waitForState(borrower, request.id, 'will_supply');
    expect(await stateOf(lenders, first.id)).toBe('retry_offered');
    expect(await hubTrail(hubId)).toEqual(['request_received -> searching', 'supplier_message:RequestResponse/RetryPossible -> retry_offered', 'requester_message:Notification -> searching', 'supplier_message:RequestResponse/WillSupply -> will_supply']);
    const moved = (await listEvents(hubDb(), hubId)).find((e) => e.event === 'requester_message:Notification');
    expect(String(moved?.data.note)).toMatch(/^moved to ISIL:DK-S3 \(supplier 2 of 2\): ISIL:DK-S1 \(supplier 1 of 2\) offered a retry, which the requester declined/);
  });

  it('transparent: the Retry reaches the lender from the real borrower, and the lender answers it', async () => {
    await changeLibrarySettings(hub, 'ISIL:BROKER', { broker: { mode: 'transparent' } });
    try {
      const { request, first } = await offered({ reason: 'OnLoan', retryBefore: inDays(14) });
      expect(first.requestingAgencyId).toBe('ISIL:DK-R');
      await act(borrower, request.id, 'accept_retry');
      const retried = await lenderNow(request.id, 'ISIL:DK-S1');
      expect(retried).toMatchObject({ requestingAgencyId: 'ISIL:DK-R', requestingAgencyRequestId: `${request.requestingAgencyRequestId}-R1`, data: { retryOf: first.id } });
      await act(lenders, retried.id, 'will_supply');
      await waitForState(borrower, request.id, 'will_supply');
    } finally {
      await changeLibrarySettings(hub, 'ISIL:BROKER', { broker: { mode: 'opaque' } });
    }
  });

  it('is left unanswered: when it expires the hub asks its next lender by itself', async () => {
    const { request, hubId } = await offered({ reason: 'OnLoan', retryBefore: new Date(Date.now() + 3000).toISOString() });
    const third = await lenderNow(request.id, 'ISIL:DK-S3');
    await act(lenders, third.id, 'will_supply');
    await waitForState(borrower, request.id, 'will_supply');
    expect((await borrowing(request.id)).data.lifecycle.retryOffer).toBeUndefined();
    expect(await hubTrail(hubId)).toEqual(['request_received -> searching', 'supplier_message:RequestResponse/RetryPossible -> retry_offered', 'retry_expired -> searching', 'supplier_message:RequestResponse/WillSupply -> will_supply']);
  });
});
