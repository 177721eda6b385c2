/**
 * The two-library loan again, with each library's ILS in step over NCIP: A (borrowing, ISIL:DK-A)
 * and B (lending, ISIL:DK-B1) each point at a mock ILS of their own. Staff act through the same
 * use case the staff API uses; the ILS calls are made by the workers.
 */
import { and, eq } from 'drizzle-orm';
import { createBorrowingRequest, parseBorrowingRequest } from '../../src/services/borrowing/borrowing';
import { retryDeadEffect, skipDeadEffect } from '../../src/services/staff/dead-work';
import type { LibraryNcipSettingsInput } from '../../src/ncip/settings';
import { listEvents } from '../../src/store/events';
import { listOutboxForRequest } from '../../src/store/outbox';
import { getRequest, type RequestRow } from '../../src/store/requests';
import { protocolMessages } from '../../src/store/schema';
import { act, lenderRequest as lenderAt, trail } from '../helpers/e2e';
import { addPartners, changeLibrarySettings, startInstance, type Instance } from '../helpers/instances';
import { startMockIls, type MockIls } from '../helpers/mock-ils';
import { eventually } from '../helpers/queues';

jest.setTimeout(120_000);

const ILS_DUE = new Date(Date.UTC(2031, 0, 15, 12, 0, 0));
const STAFF_DUE = '2030-06-30T23:59:59Z';

describe('a loan between two ILL servers, each library with its ILS over NCIP', () => {
  let a: Instance;
  let b: Instance;
  let ilsA: MockIls;
  let ilsB: MockIls;

  const ncipFor = (ils: MockIls, agency: string, more: Partial<LibraryNcipSettingsInput> = {}): LibraryNcipSettingsInput => ({
    url: ils.url,
    fromAgencyId: agency,
    toAgencyId: `${agency}-ILS`,
    timeoutMs: 2000,
    ...more,
  });
  const configure = async (instance: Instance, symbol: string, ncip: LibraryNcipSettingsInput) => changeLibrarySettings(instance, symbol, { ncip });

  beforeAll(async () => {
    [ilsA, ilsB] = await Promise.all([
      startMockIls({
        agencyId: 'DK-A-ILS',
        users: [
          { id: 'P-77', givenName: 'Shevek', surname: 'Urras', email: 'shevek@anarres.example' },
          { id: 'P-13', surname: 'Blocked', blocked: true },
        ],
      }),
      // The lender's ILS decides the loan period: its due date is not staff's.
      startMockIls({ agencyId: 'DK-B1-ILS', ignoresDesiredDateDue: true, now: () => new Date(ILS_DUE.getTime() - 28 * 24 * 3600 * 1000), users: [{ id: 'ILL-DKA' }], items: [{ barcode: 'B-1001', title: 'The Dispossessed' }, { barcode: 'B-1002', title: 'The Lathe of Heaven' }, { barcode: 'B-1003', title: 'The Word for World Is Forest' }] }),
    ]);
    [a, b] = await Promise.all([startInstance('ncip-a', ['ISIL:DK-A']), startInstance('ncip-b', ['ISIL:DK-B1'])]);
    await addPartners(a, [{ symbol: 'ISIL:DK-B1', name: 'Lender', at: b, inboundSecret: 'from-b', outboundSecret: 'from-a' }]);
    await addPartners(b, [{ symbol: 'ISIL:DK-A', name: 'Borrower', at: a, inboundSecret: 'from-a', outboundSecret: 'from-b' }]);
    await configure(a, 'ISIL:DK-A', ncipFor(ilsA, 'DK-A'));
    await configure(b, 'ISIL:DK-B1', ncipFor(ilsB, 'DK-B1', { borrowerAccounts: { 'ISIL:DK-A': 'ILL-DKA' } }));
  });
  afterAll(async () => {
    await Promise.all([a?.destroy(), b?.destroy(), ilsA?.close(), ilsB?.close()]);
  });

  const borrow = (patron: { id: string; email?: string }, title = 'The Dispossessed') =>
    createBorrowingRequest(
      a.service.lifecycle,
      a.libraryIds['ISIL:DK-A']!,
      parseBorrowingRequest({ bibliographic: { title, author: 'Le Guin, Ursula K.' }, patron, pickupLocation: 'Main desk', candidates: [{ symbol: 'ISIL:DK-B1' }] }),
      'staff:test',
      { channel: 'staff' },
    );
  const read = async (instance: Instance, id: string) => (await getRequest(instance.service.runtime.database.db, id))!;
  const waitFor = (instance: Instance, id: string, probe: (r: RequestRow) => boolean) =>
    eventually(async () => {
      const r = await read(instance, id);
      return probe(r) ? r : undefined;
    }, 60_000);
  const waitForState = (instance: Instance, id: string, state: string) => waitFor(instance, id, (r) => r.state === state);
  const lenderRequest = (borrowing: RequestRow) => lenderAt(b, borrowing);
  const ncipDone = (instance: Instance, id: string, call: string, count = 1) =>
    eventually(async () => (await listEvents(instance.service.runtime.database.db, id)).filter((e) => e.event === `ncip:${call}`).length >= count, 30_000);
  const calls = (ils: MockIls, service: string) => ils.calls.filter((c) => c.service === service);
  const dueDateOf = (r: RequestRow) => new Date(r.data.lifecycle.dueDate!).toISOString();

  it('keeps both ILSs in step through a whole loan, and the ILS due date reaches the borrower', async () => {
    const created = await borrow({ id: 'P-77' });
    // The request waits for the ILS to vouch for the patron before it goes anywhere.
    expect(created.state).toBe('new');
    const borrowing = await waitForState(a, created.id, 'sent_to_supplier');
    expect(calls(ilsA, 'LookupUser')).toHaveLength(1);
    // The patron gave no e-mail: the ILS's is used.
    expect(borrowing.data.patron?.email).toBe('shevek@anarres.example');

    const lending = await lenderRequest(borrowing);
    await act(b, lending.id, 'will_supply');
    await waitForState(a, borrowing.id, 'will_supply');
    const shipping = await act(b, lending.id, 'ship', { dueDate: STAFF_DUE, itemId: 'B-1001' });
    expect(shipping.state).toBe('shipping');
    await waitForState(b, lending.id, 'shipped');
    // Checked out to the borrowing library's account, with the ILS's loan period.
    expect(ilsB.state.items.get('B-1001')?.loan).toMatchObject({ userId: 'ILL-DKA', dateDue: ILS_DUE });
    const shipped = await waitForState(a, borrowing.id, 'shipped');
    expect(dueDateOf(shipped)).toBe(ILS_DUE.toISOString());
    expect(dueDateOf(await read(b, lending.id))).toBe(ILS_DUE.toISOString());

    await act(a, borrowing.id, 'mark_received');
    await ncipDone(a, borrowing.id, 'AcceptItem');
    const received = await read(a, borrowing.id);
    const ncip = { itemId: received.data.ncip!.itemId!, requestId: received.data.ncip!.requestId! };
    const temporary = ilsA.state.items.get(ncip.itemId);
    expect(temporary).toMatchObject({ temporary: true, title: 'The Dispossessed' });
    expect(ilsA.state.holds.get(ncip.requestId)).toMatchObject({ userId: 'P-77', itemBarcode: ncip.itemId, pickupLocation: 'Main desk', externalId: borrowing.id, status: 'active' });

    // The patron borrows it at the circulation desk (outside ILL), and returns it.
    temporary!.loan = { userId: 'P-77', dateDue: ILS_DUE, renewals: 0 };
    await act(a, borrowing.id, 'check_out');
    await act(a, borrowing.id, 'mark_returned');
    await act(a, borrowing.id, 'ship_return');
    await ncipDone(a, borrowing.id, 'DeleteItem');
    expect(ilsA.state.items.has(ncip.itemId)).toBe(false);
    expect(calls(ilsA, 'CheckInItem')).toHaveLength(1);
    expect(ilsA.calls.map((c) => c.service)).toEqual(['LookupUser', 'AcceptItem', 'CheckInItem', 'DeleteItem']);

    await waitForState(b, lending.id, 'returned_by_borrower');
    await act(b, lending.id, 'check_in');
    await ncipDone(b, lending.id, 'CheckInItem');
    expect(ilsB.state.items.get('B-1001')?.loan).toBeUndefined();
    await act(b, lending.id, 'complete');
    await waitForState(a, borrowing.id, 'complete');
    expect(ilsB.calls.map((c) => c.service)).toEqual(['CheckOutItem', 'CheckInItem']);

    expect(await trail(b, lending.id)).toEqual([
      'request_received -> received',
      'validate -> validated',
      'staff:will_supply -> will_supply',
      'staff:ship -> shipping',
      'ncip:CheckOutItem -> shipping',
      'ils_checked_out -> shipped',
      'requester_message:Received -> shipped',
      'requester_message:ShippedReturn -> returned_by_borrower',
      'staff:check_in -> checked_in',
      'ncip:CheckInItem -> checked_in',
      'staff:complete -> complete',
    ]);
    // Every exchange with the ILSs is kept.
    const exchanged = await a.service.runtime.database.db
      .select()
      .from(protocolMessages)
      .where(and(eq(protocolMessages.requestId, borrowing.id), eq(protocolMessages.protocol, 'ncip')))
      .orderBy(protocolMessages.createdAt);
    expect(exchanged.map((m) => [m.messageType, m.status, m.peer])).toEqual(
      ['LookupUser', 'AcceptItem', 'CheckInItem', 'DeleteItem'].map((service) => [service, 'confirmed', ilsA.url]),
    );
    expect(exchanged.every((m) => m.rawXml.includes('NCIPMessage') && (m.responseXml ?? '').includes('Response'))).toBe(true);
  });

  it('stops the request of a blocked patron in error, with the reason shown to staff', async () => {
    const created = await borrow({ id: 'P-13', email: 'blocked@example.org' });
    const stopped = await waitForState(a, created.id, 'error');
    expect(stopped.needsAttention).toBe(true);
    expect(stopped.data.lifecycle.reason).toMatch(/patron P-13 is blocked in the ILS \(STATUS=BLOCKED, BlockOrTrap: Manual block\)/);
    const failed = (await listEvents(a.service.runtime.database.db, created.id)).find((e) => e.event === 'validation_failed');
    expect(String(failed?.data.note)).toMatch(/blocked/);
    // Nothing went to a lender.
    expect(await a.service.runtime.database.db.select().from(protocolMessages).where(and(eq(protocolMessages.requestId, created.id), eq(protocolMessages.protocol, 'iso18626')))).toEqual([]);

    // Once the block is lifted in the ILS, staff retry and the request goes out.
    ilsA.state.users.get('P-13')!.blocked = false;
    await act(a, created.id, 'retry');
    await waitForState(a, created.id, 'sent_to_supplier');
  });

  it('ships after an ILS that was down comes back: one checkout, one Loaned', async () => {
    const borrowing = await waitForState(a, (await borrow({ id: 'P-77' }, 'The Lathe of Heaven')).id, 'sent_to_supplier');
    const lending = await lenderRequest(borrowing);
    ilsB.setBehaviour({ httpStatus: 503 });
    const before = calls(ilsB, 'CheckOutItem').length;
    await act(b, lending.id, 'ship', { dueDate: STAFF_DUE, itemId: 'B-1002' });
    await eventually(async () => calls(ilsB, 'CheckOutItem').length >= before + 2, 30_000);
    // Still waiting, nothing announced, nothing lost.
    expect((await read(b, lending.id)).state).toBe('shipping');
    expect((await read(a, borrowing.id)).state).toBe('sent_to_supplier');

    const outage = calls(ilsB, 'CheckOutItem').length;
    ilsB.setBehaviour({});
    await waitForState(a, borrowing.id, 'shipped');
    expect(calls(ilsB, 'CheckOutItem').length - outage).toBe(1);
    expect(ilsB.state.items.get('B-1002')?.loan).toMatchObject({ userId: 'ILL-DKA', renewals: 0 });
    expect(dueDateOf(await read(a, borrowing.id))).toBe(ILS_DUE.toISOString());
    // The lender records the partner's confirmation after the partner has acted on the message.
    const loanedMessages = () =>
      b.service.runtime.database.db
        .select()
        .from(protocolMessages)
        .where(and(eq(protocolMessages.requestId, lending.id), eq(protocolMessages.protocol, 'iso18626'), eq(protocolMessages.direction, 'out')))
        .then((rows) => rows.filter((m) => /<(\w+:)?status>Loaned<\//.test(m.rawXml)));
    await eventually(async () => (await loanedMessages()).some((m) => m.status === 'confirmed'), 10_000);
    expect((await loanedMessages()).map((m) => m.status)).toEqual(['confirmed']);
    const ilsFailures = await b.service.runtime.database.db.select().from(protocolMessages).where(and(eq(protocolMessages.requestId, lending.id), eq(protocolMessages.status, 'failed')));
    expect(ilsFailures.length).toBeGreaterThanOrEqual(2);
    expect(ilsFailures.every((m) => m.protocol === 'ncip' && m.httpStatus === 503)).toBe(true);
  });

  it('puts a refused checkout in front of staff with the Problem; staff retry once the cause is fixed', async () => {
    const borrowing = await waitForState(a, (await borrow({ id: 'P-77' }, 'The Word for World Is Forest')).id, 'sent_to_supplier');
    const lending = await lenderRequest(borrowing);
    // The ILS does not know the barcode staff typed.
    await act(b, lending.id, 'ship', { dueDate: STAFF_DUE, itemId: 'B-1O03' });
    const stuck = await waitFor(b, lending.id, (r) => r.needsAttention);
    expect(stuck.state).toBe('shipping');
    const attention = (await listEvents(b.service.runtime.database.db, lending.id)).find((e) => e.event === 'needs_attention');
    expect(String(attention?.data.reason)).toMatch(/NCIP CheckOutItem refused by the ILS: Unknown Item: no item B-1O03 \(ItemId B-1O03\)/);
    const [dead] = (await listOutboxForRequest(b.service.runtime.database.db, lending.id)).filter((r) => r.status === 'dead');
    expect(dead).toBeDefined();

    // The copy is catalogued under that barcode after all; staff try again.
    ilsB.state.items.set('B-1O03', { barcode: 'B-1O03', temporary: false });
    const retried = await retryDeadEffect(b.service.lifecycle, lending.id, dead!.id, 'staff:test');
    expect(retried).toMatchObject({ needsAttention: false, replacement: { status: 'pending', jobName: 'ncip.call' } });
    await waitForState(a, borrowing.id, 'shipped');
    expect(ilsB.state.items.get('B-1O03')?.loan?.userId).toBe('ILL-DKA');
    const after = await read(b, lending.id);
    expect(after).toMatchObject({ state: 'shipped', needsAttention: false });
    expect(await trail(b, lending.id)).toEqual(expect.arrayContaining(['needs_attention -> shipping', 'staff:retry_effect -> shipping', 'ils_checked_out -> shipped']));
  });

  it("lets staff skip a refused call with a note: the loan goes on with staff's due date", async () => {
    const borrowing = await waitForState(a, (await borrow({ id: 'P-77' }, 'Always Coming Home')).id, 'sent_to_supplier');
    const lending = await lenderRequest(borrowing);
    await act(b, lending.id, 'ship', { dueDate: STAFF_DUE, itemId: 'NOT-IN-ILS' });
    await waitFor(b, lending.id, (r) => r.needsAttention);
    const [dead] = (await listOutboxForRequest(b.service.runtime.database.db, lending.id)).filter((r) => r.status === 'dead');

    await expect(skipDeadEffect(b.service.lifecycle, lending.id, dead!.id, '  ', 'staff:test')).rejects.toThrow('not valid');
    const skipped = await skipDeadEffect(b.service.lifecycle, lending.id, dead!.id, 'uncatalogued copy, lent by hand', 'staff:test');
    expect(skipped).toMatchObject({ needsAttention: false, settled: { status: 'done' } });
    const shipped = await waitForState(a, borrowing.id, 'shipped');
    expect(dueDateOf(shipped)).toBe(new Date(STAFF_DUE).toISOString());
    const events = await listEvents(b.service.runtime.database.db, lending.id);
    expect(events.find((e) => e.event === 'staff:skip_effect')?.data).toMatchObject({ call: 'CheckOutItem', note: 'uncatalogued copy, lent by hand' });
    expect(String(events.find((e) => e.event === 'ils_checked_out')?.data.note)).toMatch(/skipped by staff: uncatalogued copy/);
    // The skipped row can be neither retried nor skipped again.
    await expect(retryDeadEffect(b.service.lifecycle, lending.id, dead!.id, 'staff:test')).rejects.toThrow(/is done/);
  });
});
