/**
 * The ISO 18626 retry flow between two servers on loopback: A serves the borrowing library
 * ISIL:DK-A, B the lending libraries ISIL:DK-B1 and ISIL:DK-B2. A lender that cannot supply as
 * asked offers a retry (RetryPossible); the borrower's staff take it up (a Retry under a new
 * request id, at once or at the offer's retryAfter), decline it (the rota moves on), or let it
 * expire (retryBefore: the rota moves on by itself).
 */
import { and, eq } from 'drizzle-orm';
import { createBorrowingRequest, parseBorrowingRequest } from '../../src/services/borrowing/borrowing';
import { getRequest, type RequestRow } from '../../src/store/requests';
import { JOBS } from '../../src/jobs';
import { outbox, protocolMessages } from '../../src/store/schema';
import { act, lenderRequest, returnLoan, stateOf, trail, waitForState } from '../helpers/e2e';
import { addPartners, startInstance, type Instance } from '../helpers/instances';
import { validateAgainst } from '../helpers/xsd';

jest.setTimeout(120_000);

const DAY = 86_400_000;
const inDays = (days: number): string => new Date(Date.now() + days * DAY).toISOString();

describe('a retry offered by the lender', () => {
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    [a, b] = await Promise.all([startInstance('a', ['ISIL:DK-A']), startInstance('b', ['ISIL:DK-B1', 'ISIL:DK-B2'])]);
    await addPartners(a, [
      { symbol: 'ISIL:DK-B1', name: 'Lender one', at: b },
      { symbol: 'ISIL:DK-B2', name: 'Lender two', at: b },
    ]);
    await addPartners(b, [{ symbol: 'ISIL:DK-A', name: 'Borrower', at: a }]);
  });
  afterAll(async () => {
    await Promise.all([a?.destroy(), b?.destroy()]);
  });

  const borrow = () =>
    createBorrowingRequest(
      a.service.lifecycle,
      a.libraryIds['ISIL:DK-A']!,
      parseBorrowingRequest({
        serviceType: 'Loan',
        bibliographic: { title: 'The Lathe of Heaven', author: 'Le Guin, Ursula K.', isbn: '9780060512743' },
        patron: { id: 'P-12', name: 'George Orr', email: 'orr@example.org' },
        pickupLocation: 'Main desk',
        candidates: [{ symbol: 'ISIL:DK-B1' }, { symbol: 'ISIL:DK-B2' }],
      }),
      'staff:test',
      { channel: 'staff' },
    );

  const borrowing = async (id: string): Promise<RequestRow> => (await getRequest(a.service.runtime.database.db, id))!;
  const lending = async (id: string): Promise<RequestRow> => (await getRequest(b.service.runtime.database.db, id))!;
  /** The lender's request for the transaction the borrower's request has now (after a retry: the new one). */
  const lenderNow = async (id: string, library: string) => lenderRequest(b, await borrowing(id), library);

  /** Every message both servers sent for these requests is valid ISO 18626 v1.2. */
  async function expectSchemaValid(instance: Instance, requestIds: readonly string[]): Promise<void> {
    for (const requestId of requestIds) {
      const sent = await instance.service.runtime.database.db.select().from(protocolMessages).where(and(eq(protocolMessages.requestId, requestId), eq(protocolMessages.direction, 'out')));
      for (const message of sent) expect({ type: message.messageType, ...(await validateAgainst('iso18626', message.rawXml)) }).toEqual({ type: message.messageType, valid: true, errors: [] });
    }
  }

  it('is accepted with a higher price the library will pay, and the item is then lent and returned', async () => {
    const request = await borrow();
    const firstId = request.requestingAgencyRequestId;
    const offered = await lenderNow(request.id, 'ISIL:DK-B1');
    const retryBefore = inDays(14);
    await act(b, offered.id, 'offer_retry', { reason: 'CostExceedsMaxCost', offeredCosts: { monetaryValue: '25.00', currencyCode: 'EUR' }, retryBefore, note: 'Our fee for this item is higher' });
    expect(await stateOf(b, offered.id)).toBe('retry_offered');

    await waitForState(a, request.id, 'retry_offered');
    // The offer is there for staff to judge; the patron is not told.
    expect((await borrowing(request.id)).data.lifecycle.retryOffer).toMatchObject({
      supplier: 'ISIL:DK-B1',
      reason: 'CostExceedsMaxCost',
      offeredCosts: { monetaryValue: '25.00', currencyCode: 'EUR' },
      note: 'Our fee for this item is higher',
    });
    expect(Math.abs(Date.parse((await borrowing(request.id)).data.lifecycle.retryOffer!.retryBefore!) - Date.parse(retryBefore))).toBeLessThan(1000);

    const accepted = await act(a, request.id, 'accept_retry', { maxCost: { monetaryValue: '25.00', currencyCode: 'EUR' }, edition: '1st' });
    expect(accepted).toMatchObject({ state: 'sent_to_supplier', requestingAgencyRequestId: `${firstId}-R1` });
    expect(accepted.data).toMatchObject({ billing: { maxCost: { monetaryValue: '25.00', currencyCode: 'EUR' } }, bibliographic: { edition: '1st' }, lifecycle: { earlierRequestIds: [firstId] } });
    expect(accepted.data.lifecycle.retryOffer).toBeUndefined();

    // The lender has a new transaction, linked both ways to the one it offered the retry on.
    const retried = await lenderNow(request.id, 'ISIL:DK-B1');
    expect(retried.id).not.toBe(offered.id);
    expect(retried).toMatchObject({ state: 'validated', requestingAgencyRequestId: `${firstId}-R1` });
    expect(retried.data).toMatchObject({ retryOf: offered.id, billing: { maxCost: { monetaryValue: '25.00', currencyCode: 'EUR' } }, bibliographic: { edition: '1st' } });
    expect(await lending(offered.id)).toMatchObject({ state: 'retry_offered', data: { retriedAs: retried.id } });
    expect(await trail(b, offered.id)).toEqual(['request_received -> received', 'validate -> validated', 'staff:offer_retry -> retry_offered', 'retried -> retry_offered']);

    await act(b, retried.id, 'ship', { dueDate: '2027-05-01T23:59:59Z' });
    await waitForState(a, request.id, 'shipped');
    await returnLoan(a, request.id, b, retried.id);

    expect(await trail(a, request.id)).toEqual([
      'created -> new',
      'validate -> sent_to_supplier',
      'supplier_message:RequestResponse/RetryPossible -> retry_offered',
      'staff:accept_retry -> sent_to_supplier',
      'supplier_message:RequestResponse/Loaned -> shipped',
      'staff:mark_received -> received',
      'staff:check_out -> checked_out',
      'staff:mark_returned -> returned_by_patron',
      'staff:ship_return -> shipped_return',
      'supplier_message:StatusChange/LoanCompleted -> complete',
    ]);
    // The patron heard nothing of the offer: only the notices of any loan.
    const notices = await a.service.runtime.database.db.select().from(outbox).where(and(eq(outbox.requestId, request.id), eq(outbox.jobName, JOBS.notice)));
    expect(notices.map((n) => (n.payload as { notice: string }).notice).sort()).toEqual(['ready_for_pickup', 'request_received', 'shipped']);
    await expectSchemaValid(a, [request.id]);
    await expectSchemaValid(b, [offered.id, retried.id]);
  });

  it('is declined, and the next lender is asked', async () => {
    const request = await borrow();
    const offered = await lenderNow(request.id, 'ISIL:DK-B1');
    await act(b, offered.id, 'offer_retry', { reason: 'OnLoan', retryAfter: inDays(20), retryBefore: inDays(40) });
    await waitForState(a, request.id, 'retry_offered');

    const declined = await act(a, request.id, 'decline_retry', { note: 'the patron cannot wait that long' });
    expect(declined).toMatchObject({ state: 'sent_to_supplier', requestingAgencyRequestId: request.requestingAgencyRequestId });
    expect(declined.data.lifecycle).toMatchObject({ rotaIndex: 1 });
    expect(declined.data.lifecycle.retryOffer).toBeUndefined();

    const second = await lenderNow(request.id, 'ISIL:DK-B2');
    expect(second.state).toBe('validated');
    await act(b, second.id, 'will_supply');
    await waitForState(a, request.id, 'will_supply');
    expect(await stateOf(b, offered.id)).toBe('retry_offered');
  });

  it('expires at its retryBefore, and the rota moves on by itself', async () => {
    const request = await borrow();
    const offered = await lenderNow(request.id, 'ISIL:DK-B1');
    // A short window: the borrower's timer ends the offer when it closes.
    await act(b, offered.id, 'offer_retry', { reason: 'NotFoundAsCited', retryBefore: new Date(Date.now() + 3000).toISOString() });

    const second = await lenderNow(request.id, 'ISIL:DK-B2');
    expect(second.state).toBe('validated');
    const after = await borrowing(request.id);
    expect(after).toMatchObject({ state: 'sent_to_supplier', requestingAgencyRequestId: request.requestingAgencyRequestId });
    expect(after.data.lifecycle).toMatchObject({ rotaIndex: 1 });
    expect(await trail(a, request.id)).toEqual(['created -> new', 'validate -> sent_to_supplier', 'supplier_message:RequestResponse/RetryPossible -> retry_offered', 'retry_expired -> sent_to_supplier']);
  });

  it('is accepted before its retryAfter: the retry waits for it, then goes out', async () => {
    const request = await borrow();
    const offered = await lenderNow(request.id, 'ISIL:DK-B1');
    // Long enough that staff accept before it comes, even on a busy machine.
    const retryAfter = new Date(Date.now() + 10_000).toISOString();
    await act(b, offered.id, 'offer_retry', { reason: 'OnLoan', retryAfter, retryBefore: inDays(7) });
    await waitForState(a, request.id, 'retry_offered');

    const scheduled = await act(a, request.id, 'accept_retry', { note: 'whenever it is back' });
    expect(scheduled).toMatchObject({ state: 'retry_scheduled', requestingAgencyRequestId: request.requestingAgencyRequestId });
    expect(new Date(scheduled.data.lifecycle.retryAt!).toISOString()).toBe(retryAfter);

    // Nothing went to the lender yet; at retryAfter the Retry does, under the new id.
    const retried = await lenderRequest(b, { ...request, requestingAgencyRequestId: `${request.requestingAgencyRequestId}-R1` }, 'ISIL:DK-B1');
    expect(retried.data).toMatchObject({ retryOf: offered.id, note: 'whenever it is back' });
    await waitForState(a, request.id, 'sent_to_supplier');
    expect(await trail(a, request.id)).toEqual(['created -> new', 'validate -> sent_to_supplier', 'supplier_message:RequestResponse/RetryPossible -> retry_offered', 'staff:accept_retry -> retry_scheduled', 'retry_due -> sent_to_supplier']);
    await act(b, retried.id, 'will_supply');
    await waitForState(a, request.id, 'will_supply');
  });
});
