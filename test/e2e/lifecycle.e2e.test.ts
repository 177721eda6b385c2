/**
 * Two servers on loopback speaking ISO 18626 over real HTTP: A serves the borrowing library
 * ISIL:DK-A, B serves the lending libraries ISIL:DK-B1 and ISIL:DK-B2. Staff actions go through
 * the same use case the staff API uses; everything between the servers is protocol traffic.
 */
import { and, eq } from 'drizzle-orm';
import { createBorrowingRequest, parseBorrowingRequest } from '../../src/services/borrowing/borrowing';
import { listEvents } from '../../src/store/events';
import { getRequest, type RequestRow } from '../../src/store/requests';
import { deliveryFailures, protocolMessages, requests } from '../../src/store/schema';
import { eventually } from '../helpers/queues';
import { act, dueDateOf, lenderRequest as lenderAt, returnLoan, stateOf, trail, waitForState } from '../helpers/e2e';
import { addPartners, startInstance, type Instance } from '../helpers/instances';

jest.setTimeout(90_000);

describe('a loan between two ILL servers', () => {
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    [a, b] = await Promise.all([startInstance('a', ['ISIL:DK-A']), startInstance('b', ['ISIL:DK-B1', 'ISIL:DK-B2'])]);
    // Each side trusts the other's symbols, with a shared secret in each direction.
    await addPartners(a, [
      { symbol: 'ISIL:DK-B1', name: 'Lender one', at: b, inboundSecret: 'from-b', outboundSecret: 'from-a' },
      { symbol: 'ISIL:DK-B2', name: 'Lender two', at: b, inboundSecret: 'from-b', outboundSecret: 'from-a' },
    ]);
    await addPartners(b, [{ symbol: 'ISIL:DK-A', name: 'Borrower', at: a, inboundSecret: 'from-a', outboundSecret: 'from-b' }]);
  });
  afterAll(async () => {
    await Promise.all([a?.destroy(), b?.destroy()]);
  });

  const borrow = (candidates: string[], serviceType: 'Loan' | 'Copy' = 'Loan') =>
    createBorrowingRequest(
      a.service.lifecycle,
      a.libraryIds['ISIL:DK-A']!,
      parseBorrowingRequest({
        serviceType,
        bibliographic: { title: 'The Dispossessed', author: 'Le Guin, Ursula K.', isbn: '9780060512750' },
        patron: { id: 'P-77', name: 'Shevek', email: 'shevek@example.org' },
        pickupLocation: 'Main desk',
        candidates: candidates.map((symbol) => ({ symbol })),
      }),
      'staff:test',
      { channel: 'staff' },
    );

  /** The lender's side of a borrowing request, once it has arrived. */
  const lenderRequest = (borrowing: RequestRow, library: string) => lenderAt(b, borrowing, library);

  it('plays a whole loan: request, will supply, shipped with a due date, received, returned, complete', async () => {
    const borrowing = await borrow(['ISIL:DK-B1']);
    expect(borrowing.state).toBe('sent_to_supplier');
    const lending = await lenderRequest(borrowing, 'ISIL:DK-B1');
    expect(lending).toMatchObject({ state: 'validated', requestingAgencyId: 'ISIL:DK-A', serviceType: 'Loan' });
    expect(lending.data).toMatchObject({ bibliographic: { title: 'The Dispossessed', isbn: '9780060512750' } });
    // The borrower's default privacy setting tells the lender nothing of the patron.
    expect(lending.data.patron).toBeUndefined();

    await act(b, lending.id, 'will_supply');
    await waitForState(a, borrowing.id, 'will_supply');

    await act(b, lending.id, 'ship', { dueDate: '2027-03-01T23:59:59Z' });
    await waitForState(a, borrowing.id, 'shipped');
    expect(await dueDateOf(a, borrowing.id)).toBe('2027-03-01T23:59:59.000Z');
    // The lender's own id for the request was learnt from its messages.
    expect(await getRequest(a.service.runtime.database.db, borrowing.id)).toMatchObject({ supplyingAgencyId: 'ISIL:DK-B1', supplyingAgencyRequestId: lending.id });

    await returnLoan(a, borrowing.id, b, lending.id);

    expect(await trail(a, borrowing.id)).toEqual([
      'created -> new',
      'validate -> sent_to_supplier',
      'supplier_message:RequestResponse/WillSupply -> will_supply',
      'supplier_message:StatusChange/Loaned -> shipped',
      'staff:mark_received -> received',
      'staff:check_out -> checked_out',
      'staff:mark_returned -> returned_by_patron',
      'staff:ship_return -> shipped_return',
      'supplier_message:StatusChange/LoanCompleted -> complete',
    ]);
    expect(await trail(b, lending.id)).toEqual([
      'request_received -> received',
      'validate -> validated',
      'staff:will_supply -> will_supply',
      'staff:ship -> shipped',
      'requester_message:Received -> shipped',
      'requester_message:ShippedReturn -> returned_by_borrower',
      'staff:check_in -> checked_in',
      'staff:complete -> complete',
    ]);
    // Every message went out once and was confirmed: nothing failed, nothing was repeated.
    const outgoing = await a.service.runtime.database.db
      .select()
      .from(protocolMessages)
      .where(and(eq(protocolMessages.requestId, borrowing.id), eq(protocolMessages.direction, 'out')))
      .orderBy(protocolMessages.createdAt);
    expect(outgoing.map((m) => [m.messageType, m.status])).toEqual([
      ['request', 'confirmed'],
      ['requestingAgencyMessage', 'confirmed'],
      ['requestingAgencyMessage', 'confirmed'],
    ]);
  });

  it('delivers a copy request and ends when the copy is supplied', async () => {
    const borrowing = await borrow(['ISIL:DK-B1'], 'Copy');
    const lending = await lenderRequest(borrowing, 'ISIL:DK-B1');
    await act(b, lending.id, 'supply_copy');
    await waitForState(a, borrowing.id, 'complete');
    expect(await stateOf(b, lending.id)).toBe('complete');
  });

  it('cancels a request the lender agrees to cancel', async () => {
    const borrowing = await borrow(['ISIL:DK-B1']);
    const lending = await lenderRequest(borrowing, 'ISIL:DK-B1');
    await act(b, lending.id, 'will_supply');
    await waitForState(a, borrowing.id, 'will_supply');
    await act(a, borrowing.id, 'cancel');
    expect(await stateOf(a, borrowing.id)).toBe('cancel_pending');
    await waitForState(b, lending.id, 'cancel_requested');
    await act(b, lending.id, 'accept_cancel');
    await waitForState(a, borrowing.id, 'cancelled');
    expect(await stateOf(b, lending.id)).toBe('cancelled');
  });

  it('renews a loan with a new due date', async () => {
    const borrowing = await borrow(['ISIL:DK-B1']);
    const lending = await lenderRequest(borrowing, 'ISIL:DK-B1');
    await act(b, lending.id, 'ship', { dueDate: '2027-02-01T23:59:59Z' });
    await waitForState(a, borrowing.id, 'shipped');
    await act(a, borrowing.id, 'mark_received');
    await act(a, borrowing.id, 'check_out');
    await act(a, borrowing.id, 'renew');
    await waitForState(b, lending.id, 'renew_requested');
    await act(b, lending.id, 'approve_renewal', { dueDate: '2027-03-15T23:59:59Z' });
    await waitForState(a, borrowing.id, 'checked_out');
    const renewed = (await getRequest(a.service.runtime.database.db, borrowing.id))!.data;
    expect(new Date(renewed.lifecycle.dueDate!).toISOString()).toBe('2027-03-15T23:59:59.000Z');
    expect(renewed.lifecycle.renewals).toBe(1);
    expect(await stateOf(b, lending.id)).toBe('shipped');
  });

  it('moves to the second supplier when the first cannot supply', async () => {
    const borrowing = await borrow(['ISIL:DK-B1', 'ISIL:DK-B2']);
    const first = await lenderRequest(borrowing, 'ISIL:DK-B1');
    await act(b, first.id, 'cannot_supply', { reason: 'NotOnShelf' });
    const second = await lenderRequest(borrowing, 'ISIL:DK-B2');
    expect(second.state).toBe('validated');
    await act(b, second.id, 'will_supply');
    await waitForState(a, borrowing.id, 'will_supply');
    const trailA = await trail(a, borrowing.id);
    expect(trailA).toContain('supplier_message:RequestResponse/Unfilled -> sent_to_supplier');
    const moved = (await listEvents(a.service.runtime.database.db, borrowing.id)).find((e) => e.event.endsWith('/Unfilled'));
    expect(String(moved?.data.note)).toMatch(/ISIL:DK-B2/);
    expect(await stateOf(b, first.id)).toBe('unfilled');
  });

  it('skips a lender that has the request: it is asked to cancel, the next lender gets it, and its late answer is only noted', async () => {
    const borrowing = await borrow(['ISIL:DK-B1', 'ISIL:DK-B2']);
    const first = await lenderRequest(borrowing, 'ISIL:DK-B1');
    await act(b, first.id, 'will_supply');
    await waitForState(a, borrowing.id, 'will_supply');
    await act(a, borrowing.id, 'skip_supplier', { note: 'the patron needs it this week' });
    expect(await stateOf(a, borrowing.id)).toBe('sent_to_supplier');
    await waitForState(b, first.id, 'cancel_requested');
    const second = await lenderRequest(borrowing, 'ISIL:DK-B2');
    expect(second.state).toBe('validated');
    await act(b, first.id, 'accept_cancel');
    await eventually(async () => (await listEvents(a.service.runtime.database.db, borrowing.id)).some((e) => /no longer the current supplier/.test(String(e.data.note))), 30_000);
    expect(await stateOf(a, borrowing.id)).toBe('sent_to_supplier');
    await act(b, second.id, 'will_supply');
    await waitForState(a, borrowing.id, 'will_supply');
  });

  it('delivers to a lender that was down once it is back: nothing lost, nothing duplicated', async () => {
    await b.stop();
    const borrowing = await borrow(['ISIL:DK-B1']);
    const db = a.service.runtime.database.db;
    await eventually(async () => {
      const [failed] = await db.select().from(protocolMessages).where(and(eq(protocolMessages.requestId, borrowing.id), eq(protocolMessages.status, 'failed')));
      return failed && failed.attempts >= 2;
    }, 30_000);
    b = await b.restart();
    const lending = await lenderRequest(borrowing, 'ISIL:DK-B1');
    await act(b, lending.id, 'will_supply');
    await waitForState(a, borrowing.id, 'will_supply');
    const copies = await b.service.runtime.database.db.select().from(requests).where(eq(requests.requestingAgencyRequestId, borrowing.requestingAgencyRequestId));
    expect(copies).toHaveLength(1);
    const sent = await db.select().from(protocolMessages).where(and(eq(protocolMessages.requestId, borrowing.id), eq(protocolMessages.direction, 'out')));
    // The request is kept once, with its attempts counted; the failed ones are summed up apart.
    expect(sent.map((m) => [m.messageType, m.status])).toEqual([['request', 'confirmed']]);
    const failures = await db.select().from(deliveryFailures).where(eq(deliveryFailures.messageId, sent[0]!.id));
    expect(failures.every((f) => /connection failed/.test(f.error))).toBe(true);
    expect(failures.reduce((n, f) => n + f.count, 0)).toBe(sent[0]!.attempts - 1);
  });
});
