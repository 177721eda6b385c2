/**
 * The broker hub on loopback, over real HTTP: `hub` serves the broker ISIL:BROKER, `borrower`
 * the requesting library ISIL:DK-R, `lenders` the suppliers ISIL:DK-S1 and ISIL:DK-S3.
 * ISIL:DK-S2 is a peer that confirms everything and never answers; ISIL:DK-ERR answers every
 * message with an ERROR confirmation. Every peer reaches the hub for the broker's symbol and,
 * for transparent mode, for the other side's real symbols too.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { buildIso18626, confirmationFor, rejection, tryParseIso18626, type InboundMessage } from '../../protocols/iso18626';
import { createBorrowingRequest, parseBorrowingRequest } from '../../src/services/borrowing/borrowing';
import { listEvents } from '../../src/store/events';
import { getRequest, type RequestRow } from '../../src/store/requests';
import { protocolMessages, requests } from '../../src/store/schema';
import { act, dueDateOf, lenderRequest as lenderAt, returnLoan, stateOf, trail, waitForState } from '../helpers/e2e';
import { addPartners, changeLibrarySettings, changePartner, startInstance, type Instance } from '../helpers/instances';
import { eventually } from '../helpers/queues';

jest.setTimeout(120_000);

const TIMEOUT_MS = 3000;

/** A peer that confirms every message (`ok`) or refuses every one (`error`), and never says more. */
async function startPeer(answer: 'ok' | 'error'): Promise<{ url: string; received: string[]; close: () => Promise<void> }> {
  const received: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const parsed = tryParseIso18626(body);
      if (!parsed.ok) {
        res.writeHead(400).end();
        return;
      }
      const message = parsed.result.message as InboundMessage;
      received.push(message.kind);
      const confirmation = answer === 'ok' ? confirmationFor(message, new Date()) : rejection(message, 'UnrecognisedDataValue', 'this peer refuses everything', new Date());
      res.writeHead(200, { 'Content-Type': 'application/xml' }).end(buildIso18626(confirmation));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('a loan brokered by a hub between a borrower and three lenders', () => {
  let hub: Instance;
  let borrower: Instance;
  let lenders: Instance;
  let silent: Awaited<ReturnType<typeof startPeer>>;
  let refusing: Awaited<ReturnType<typeof startPeer>>;
  const peerAt = (url: string) => ({ url }) as Instance;

  beforeAll(async () => {
    [hub, borrower, lenders, silent, refusing] = await Promise.all([
      startInstance('hub', ['ISIL:BROKER'], { supplierAnswerTimeoutMs: TIMEOUT_MS }),
      startInstance('borrower', ['ISIL:DK-R']),
      startInstance('lenders', ['ISIL:DK-S1', 'ISIL:DK-S3']),
      startPeer('ok'),
      startPeer('error'),
    ]);
    await setMode('opaque');
    await addPartners(hub, [
      { symbol: 'ISIL:DK-R', name: 'Borrower', at: borrower },
      { symbol: 'ISIL:DK-S1', name: 'Lender one', at: lenders },
      { symbol: 'ISIL:DK-S2', name: 'Silent lender', at: peerAt(silent.url) },
      { symbol: 'ISIL:DK-S3', name: 'Lender three', at: lenders },
      { symbol: 'ISIL:DK-ERR', name: 'Refusing lender', at: peerAt(refusing.url) },
    ]);
    await setStatus('ISIL:DK-ERR', 'inactive');
    // Everything goes through the hub; in transparent mode the real symbols lead there too.
    await addPartners(borrower, ['ISIL:BROKER', 'ISIL:DK-S1', 'ISIL:DK-S2', 'ISIL:DK-S3', 'ISIL:DK-ERR'].map((symbol) => ({ symbol, name: symbol, at: hub })));
    await addPartners(lenders, ['ISIL:BROKER', 'ISIL:DK-R'].map((symbol) => ({ symbol, name: symbol, at: hub })));
    // The borrower's directory knows ISIL:BROKER as a hub: it may relay its suppliers' messages.
    await changePartner(borrower, 'ISIL:BROKER', { vendor: 'Broker' });
  });
  afterAll(async () => {
    await Promise.all([hub?.destroy(), borrower?.destroy(), lenders?.destroy(), silent?.close(), refusing?.close()]);
  });

  const hubDb = () => hub.service.runtime.database.db;
  const setMode = (mode: 'opaque' | 'transparent') => changeLibrarySettings(hub, 'ISIL:BROKER', { broker: { mode } });
  const setStatus = (symbol: string, status: 'active' | 'inactive') => changePartner(hub, symbol, { status });

  const borrow = () =>
    createBorrowingRequest(
      borrower.service.lifecycle,
      borrower.libraryIds['ISIL:DK-R']!,
      parseBorrowingRequest({
        serviceType: 'Loan',
        bibliographic: { title: 'The Left Hand of Darkness', author: 'Le Guin, Ursula K.', isbn: '9780441478125' },
        patron: { id: 'P-9', name: 'Genly Ai', email: 'genly@example.org' },
        pickupLocation: 'Main desk',
        candidates: [{ symbol: 'ISIL:BROKER' }],
      }),
      'staff:test',
      { channel: 'staff' },
    );


  /** The hub's transaction for a borrowing request. */
  const brokered = (borrowing: RequestRow) =>
    eventually(async () => {
      const [row] = await hubDb().select().from(requests).where(and(eq(requests.role, 'broker'), eq(requests.requestingAgencyRequestId, borrowing.requestingAgencyRequestId)));
      return row;
    }, 30_000);
  const lenderRequest = (borrowing: RequestRow, library: string) => lenderAt(lenders, borrowing, library);
  /** The hub's trail without notes that changed nothing (stale timers land at timing-dependent places). */
  const hubTrail = async (id: string) =>
    (await listEvents(hubDb(), id)).filter((e) => e.fromState !== e.toState || e.data.effects !== undefined).map((e) => ({ event: `${e.event} -> ${e.toState}`, note: String(e.data.note ?? '') }));

  /** The supplying agency in the header of every message the borrower received for a request. */
  const suppliersSeen = async (borrowing: RequestRow) => {
    const inbound = await borrower.service.runtime.database.db
      .select()
      .from(protocolMessages)
      .where(and(eq(protocolMessages.requestId, borrowing.id), eq(protocolMessages.direction, 'in')))
      .orderBy(protocolMessages.createdAt);
    return inbound.map((m) => {
      const parsed = tryParseIso18626(m.rawXml);
      if (!parsed.ok || parsed.result.message.kind !== 'supplyingAgencyMessage') throw new Error('expected a supplyingAgencyMessage');
      const { header, statusInfo, messageInfo } = parsed.result.message;
      return { supplier: `${header.supplyingAgencyId.agencyIdType.value}:${header.supplyingAgencyId.agencyIdValue}`, status: statusInfo.status, reason: messageInfo.reasonForMessage, note: messageInfo.note ?? '' };
    });
  };

  /** S1 cannot supply, S2 stays silent past the timeout, S3 lends; the borrower sees one story. */
  async function brokeredLoan(): Promise<{ borrowing: RequestRow; hubRow: RequestRow }> {
    const borrowing = await borrow();
    expect(borrowing.state).toBe('sent_to_supplier');
    const hubRow = await brokered(borrowing);
    const first = await lenderRequest(borrowing, 'ISIL:DK-S1');
    await act(lenders, first.id, 'cannot_supply', { reason: 'NotOnShelf' });
    const third = await lenderRequest(borrowing, 'ISIL:DK-S3');
    expect(silent.received).toContain('request');
    await act(lenders, third.id, 'will_supply');
    await waitForState(borrower, borrowing.id, 'will_supply');
    await act(lenders, third.id, 'ship', { dueDate: '2027-05-01T23:59:59Z' });
    await waitForState(borrower, borrowing.id, 'shipped');
    expect(await dueDateOf(borrower, borrowing.id)).toBe('2027-05-01T23:59:59.000Z');
    await returnLoan(borrower, borrowing.id, lenders, third.id);
    await waitForState(hub, hubRow.id, 'complete');

    expect(await trail(borrower, borrowing.id)).toEqual([
      'created -> new',
      'validate -> sent_to_supplier',
      'supplier_message:RequestResponse/ExpectToSupply -> expect_to_supply',
      'supplier_message:Notification/ExpectToSupply -> expect_to_supply',
      'supplier_message:Notification/ExpectToSupply -> expect_to_supply',
      'supplier_message:RequestResponse/WillSupply -> will_supply',
      'supplier_message:StatusChange/Loaned -> shipped',
      'staff:mark_received -> received',
      'staff:check_out -> checked_out',
      'staff:mark_returned -> returned_by_patron',
      'staff:ship_return -> shipped_return',
      'supplier_message:StatusChange/LoanCompleted -> complete',
    ]);
    const hubEvents = await hubTrail(hubRow.id);
    expect(hubEvents.map((e) => e.event)).toEqual([
      'request_received -> searching',
      'supplier_message:RequestResponse/Unfilled -> searching',
      'supplier_timeout -> searching',
      'supplier_message:RequestResponse/WillSupply -> will_supply',
      'supplier_message:StatusChange/Loaned -> shipped',
      'requester_message:Received -> shipped',
      'requester_message:ShippedReturn -> returned',
      'supplier_message:StatusChange/LoanCompleted -> complete',
    ]);
    // Each rota move says who failed, why, and who is asked next.
    expect(hubEvents[0]!.note).toBe('brokering: asking ISIL:DK-S1 (supplier 1 of 3)');
    expect(hubEvents[1]!.note).toBe('moved to ISIL:DK-S2 (supplier 2 of 3): ISIL:DK-S1 (supplier 1 of 3) answered Unfilled (NotOnShelf)');
    expect(hubEvents[2]!.note).toBe('moved to ISIL:DK-S3 (supplier 3 of 3): ISIL:DK-S2 (supplier 2 of 3) did not answer within 3 s');
    const done = (await getRequest(hubDb(), hubRow.id))!;
    expect(done).toMatchObject({ requestingAgencyId: 'ISIL:DK-R', supplyingAgencyId: 'ISIL:DK-S3', supplyingAgencyRequestId: third.id, needsAttention: false });
    return { borrowing, hubRow: done };
  }

  it('opaque: the borrower only ever sees the hub, which names the real supplier in its notes', async () => {
    const { borrowing, hubRow } = await brokeredLoan();
    const seen = await suppliersSeen(borrowing);
    expect(new Set(seen.map((m) => m.supplier))).toEqual(new Set(['ISIL:BROKER']));
    expect(seen.find((m) => m.status === 'Loaned')?.note).toBe('Supplier: ISIL:DK-S3');
    expect(seen[1]!.note).toBe('ISIL:DK-S1 (supplier 1 of 3) answered Unfilled (NotOnShelf); asking ISIL:DK-S2 (supplier 2 of 3)');
    // The lender dealt with the hub: it never heard of the borrower.
    const lent = await lenderRequest(borrowing, 'ISIL:DK-S3');
    expect(lent.requestingAgencyId).toBe('ISIL:BROKER');
    // The borrower learnt the hub's id for the transaction.
    expect((await getRequest(borrower.service.runtime.database.db, borrowing.id))!.supplyingAgencyRequestId).toBe(hubRow.id);
  });

  it('transparent: the borrower sees the real supplier in the messages it relays', async () => {
    await setMode('transparent');
    try {
      const { borrowing } = await brokeredLoan();
      const seen = await suppliersSeen(borrowing);
      // The hub's own messages (searching) carry its symbol; the relayed ones the lender's.
      expect(seen.slice(0, 3).map((m) => m.supplier)).toEqual(['ISIL:BROKER', 'ISIL:BROKER', 'ISIL:BROKER']);
      expect(seen.slice(3).map((m) => [m.supplier, m.status])).toEqual([
        ['ISIL:DK-S3', 'WillSupply'],
        ['ISIL:DK-S3', 'Loaned'],
        ['ISIL:DK-S3', 'LoanCompleted'],
      ]);
      const lent = await lenderRequest(borrowing, 'ISIL:DK-S3');
      expect(lent.requestingAgencyId).toBe('ISIL:DK-R');
      expect((await getRequest(borrower.service.runtime.database.db, borrowing.id))!.supplyingAgencyId).toBe('ISIL:DK-S3');
    } finally {
      await setMode('opaque');
    }
  });

  it('surfaces a lender that answers ERROR and goes on without losing the request', async () => {
    await setStatus('ISIL:DK-ERR', 'active');
    await Promise.all(['ISIL:DK-S1', 'ISIL:DK-S2'].map((s) => setStatus(s, 'inactive')));
    try {
      const borrowing = await borrow();
      const hubRow = await brokered(borrowing);
      const third = await lenderRequest(borrowing, 'ISIL:DK-S3');
      await act(lenders, third.id, 'will_supply');
      await waitForState(borrower, borrowing.id, 'will_supply');
      expect(refusing.received).toContain('request');
      const moved = (await hubTrail(hubRow.id))[1]!;
      expect(moved.event).toBe('request_refused -> searching');
      expect(moved.note).toMatch(/^moved to ISIL:DK-S3 \(supplier 2 of 2\): ISIL:DK-ERR \(supplier 1 of 2\) refused the request: ISIL:DK-ERR answered ERROR: UnrecognisedDataValue this peer refuses everything/);
      // The borrower was told, in the same words, while it waited.
      const seen = await suppliersSeen(borrowing);
      expect(seen[1]!.note).toMatch(/ISIL:DK-ERR \(supplier 1 of 2\) refused the request: .*this peer refuses everything; asking ISIL:DK-S3/);
    } finally {
      await setStatus('ISIL:DK-ERR', 'inactive');
      await Promise.all(['ISIL:DK-S1', 'ISIL:DK-S2'].map((s) => setStatus(s, 'active')));
    }
  });

  it('ends Unfilled for the borrower, with the reason, when the only lender answers ERROR', async () => {
    await setStatus('ISIL:DK-ERR', 'active');
    await Promise.all(['ISIL:DK-S1', 'ISIL:DK-S2', 'ISIL:DK-S3'].map((s) => setStatus(s, 'inactive')));
    try {
      const borrowing = await borrow();
      const hubRow = await brokered(borrowing);
      await waitForState(borrower, borrowing.id, 'unfilled');
      expect(await stateOf(hub, hubRow.id)).toBe('unfilled');
      const reason = (await getRequest(hubDb(), hubRow.id))!.data.lifecycle.reason;
      expect(reason).toMatch(/^rota exhausted: ISIL:DK-ERR \(supplier 1 of 1\) refused the request: ISIL:DK-ERR answered ERROR/);
      const seen = await suppliersSeen(borrowing);
      expect(seen.at(-1)).toMatchObject({ supplier: 'ISIL:BROKER', status: 'Unfilled', note: reason });
    } finally {
      await setStatus('ISIL:DK-ERR', 'inactive');
      await Promise.all(['ISIL:DK-S1', 'ISIL:DK-S2', 'ISIL:DK-S3'].map((s) => setStatus(s, 'active')));
    }
  });

  it('flags the hub for staff and tells the borrower when a relayed message is refused', async () => {
    await setStatus('ISIL:DK-ERR', 'active');
    await Promise.all(['ISIL:DK-S1', 'ISIL:DK-S2', 'ISIL:DK-S3'].map((s) => setStatus(s, 'inactive')));
    // The refusing lender confirms the request this time, then refuses what is relayed to it.
    const accepting = await startPeer('ok');
    await changePartner(hub, 'ISIL:DK-ERR', { iso18626Url: `${accepting.url}/iso18626` });
    try {
      const borrowing = await borrow();
      const hubRow = await brokered(borrowing);
      await waitForState(borrower, borrowing.id, 'expect_to_supply');
      await eventually(async () => accepting.received.includes('request'), 10_000);
      await changePartner(hub, 'ISIL:DK-ERR', { iso18626Url: `${refusing.url}/iso18626` });
      await act(borrower, borrowing.id, 'cancel');
      await eventually(async () => (await getRequest(hubDb(), hubRow.id))!.needsAttention, 30_000);
      const events = await listEvents(hubDb(), hubRow.id);
      expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['requester_message:Cancel', 'relay_refused', 'needs_attention']));
      // The borrower heard why, and the cancel still ends when the silent lender's time is up.
      await eventually(async () => (await suppliersSeen(borrowing)).some((m) => m.reason === 'Notification' && /could not pass your message on/.test(m.note)), 30_000);
      await waitForState(borrower, borrowing.id, 'cancelled');
      expect(await stateOf(hub, hubRow.id)).toBe('cancelled');
    } finally {
      await accepting.close();
      await setStatus('ISIL:DK-ERR', 'inactive');
      await Promise.all(['ISIL:DK-S1', 'ISIL:DK-S2', 'ISIL:DK-S3'].map((s) => setStatus(s, 'active')));
    }
  });
});
