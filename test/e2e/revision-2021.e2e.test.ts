/**
 * A partner configured for ISO 18626:2021 gets every message in the 2021 shape, from our
 * requester and from our supplier alike, and every confirmation answers in the schema of the
 * message it confirms. Two servers on loopback, A borrowing (ISIL:DK-A) and B lending
 * (ISIL:DK-B1); each message on the wire is checked against the schema it says it is in.
 */
import { and, eq } from 'drizzle-orm';
import { parseIso18626, type ProtocolVersion } from '../../protocols/iso18626';
import { createBorrowingRequest, parseBorrowingRequest } from '../../src/services/borrowing/borrowing';
import type { RequestRow } from '../../src/store/requests';
import { protocolMessages } from '../../src/store/schema';
import { act, lenderRequest, returnLoan, stateOf, waitForState } from '../helpers/e2e';
import { addPartners, changePartner, startInstance, type Instance } from '../helpers/instances';
import { eventually } from '../helpers/queues';
import { validateAgainst, type SchemaName } from '../helpers/xsd';

jest.setTimeout(120_000);

const SCHEMA: Record<ProtocolVersion, SchemaName> = { '1.2': 'iso18626', '2021': 'iso18626_2021' };

/** One message on the wire, as the side that sent it recorded it. */
interface OnTheWire {
  readonly from: string;
  readonly kind: string;
  readonly xml: string;
}

describe('a partner that speaks ISO 18626:2021', () => {
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    [a, b] = await Promise.all([startInstance('a', ['ISIL:DK-A']), startInstance('b', ['ISIL:DK-B1'])]);
    await addPartners(a, [{ symbol: 'ISIL:DK-B1', name: 'Lender', at: b, inboundSecret: 'from-b', outboundSecret: 'from-a', protocolVersion: '2021' }]);
    await addPartners(b, [{ symbol: 'ISIL:DK-A', name: 'Borrower', at: a, inboundSecret: 'from-a', outboundSecret: 'from-b', protocolVersion: '2021' }]);
  });
  afterAll(async () => {
    await Promise.all([a?.destroy(), b?.destroy()]);
  });

  const borrow = () =>
    createBorrowingRequest(
      a.service.lifecycle,
      a.libraryIds['ISIL:DK-A']!,
      parseBorrowingRequest({
        bibliographic: { title: 'The Left Hand of Darkness', author: 'Le Guin, Ursula K.', isbn: '9780441478125' },
        patron: { id: 'P-9' },
        neededBy: '2027-06-01',
        candidates: [{ symbol: 'ISIL:DK-B1' }],
      }),
      'staff:test',
      { channel: 'staff' },
    );

  /**
   * Every message both servers sent for this transaction, and every confirmation each answered
   * with, once each side has recorded at least `sent` confirmed messages (a sender records its
   * message after the answer, so the other side's state can move first).
   */
  async function wire(borrowing: RequestRow, lending: RequestRow, sent: { a: number; b: number }): Promise<OnTheWire[]> {
    for (const [instance, id, count] of [
      [a, borrowing.id, sent.a],
      [b, lending.id, sent.b],
    ] as const) {
      await eventually(async () => {
        const rows = await instance.service.runtime.database.db.select().from(protocolMessages).where(and(eq(protocolMessages.requestId, id), eq(protocolMessages.direction, 'out')));
        return rows.length >= count && rows.every((r) => r.status === 'confirmed');
      }, 30_000);
    }
    const out: OnTheWire[] = [];
    for (const [instance, id] of [
      [a, borrowing.id],
      [b, lending.id],
    ] as const) {
      const rows = await instance.service.runtime.database.db.select().from(protocolMessages).where(eq(protocolMessages.requestId, id));
      for (const row of rows) {
        if (row.protocol !== 'iso18626') continue;
        // Outbound: what we sent. Inbound: the confirmation we answered with.
        const xml = row.direction === 'out' ? row.rawXml : row.responseXml;
        if (xml) out.push({ from: instance.name, kind: `${row.direction === 'out' ? '' : 'confirmation of '}${row.messageType}`, xml });
      }
    }
    return out;
  }

  async function expectAllIn(messages: readonly OnTheWire[], versionFrom: Record<string, ProtocolVersion>): Promise<void> {
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) {
      const version = versionFrom[m.from]!;
      const verdict = await validateAgainst(SCHEMA[version], m.xml);
      expect({ from: m.from, kind: m.kind, version, ...verdict }).toEqual({ from: m.from, kind: m.kind, version, valid: true, errors: [] });
      expect(parseIso18626(m.xml).revision).toBe(version);
    }
  }

  it('plays a whole loan in 2021: request, will supply, shipped, received, returned, complete', async () => {
    const borrowing = await borrow();
    const lending = await lenderRequest(b, borrowing, 'ISIL:DK-B1');
    expect(lending).toMatchObject({ state: 'validated', requestingAgencyId: 'ISIL:DK-A' });
    expect(lending.data).toMatchObject({ bibliographic: { title: 'The Left Hand of Darkness', isbn: '9780441478125' } });
    // The borrower's default privacy setting tells the lender nothing of the patron.
    expect(lending.data.patron).toBeUndefined();
    await act(b, lending.id, 'will_supply');
    await waitForState(a, borrowing.id, 'will_supply');
    await act(b, lending.id, 'ship', { dueDate: '2027-09-01T23:59:59Z' });
    await waitForState(a, borrowing.id, 'shipped');
    await returnLoan(a, borrowing.id, b, lending.id);

    // A: the request, Received, ShippedReturn; B: WillSupply, Loaned, LoanCompleted.
    const messages = await wire(borrowing, lending, { a: 3, b: 3 });
    expect(messages.filter((m) => m.from === 'a' && !m.kind.startsWith('confirmation')).map((m) => m.kind).sort()).toEqual(['request', 'requestingAgencyMessage', 'requestingAgencyMessage']);
    expect(messages.filter((m) => m.from === 'b' && !m.kind.startsWith('confirmation')).map((m) => m.kind).sort()).toEqual(['supplyingAgencyMessage', 'supplyingAgencyMessage', 'supplyingAgencyMessage']);
    await expectAllIn(messages, { a: '2021', b: '2021' });
    const shipped = messages.find((m) => m.from === 'b' && m.xml.includes('<status>Loaned</status>'))!;
    expect(shipped.xml).not.toContain('multipleItemRequestId');
  });

  it('cancels in 2021', async () => {
    const borrowing = await borrow();
    const lending = await lenderRequest(b, borrowing, 'ISIL:DK-B1');
    await act(a, borrowing.id, 'cancel');
    await waitForState(b, lending.id, 'cancel_requested');
    await act(b, lending.id, 'accept_cancel');
    await waitForState(a, borrowing.id, 'cancelled');
    expect(await stateOf(b, lending.id)).toBe('cancelled');
    const messages = await wire(borrowing, lending, { a: 2, b: 1 });
    expect(messages.some((m) => m.from === 'a' && m.xml.includes('<action>Cancel</action>'))).toBe(true);
    await expectAllIn(messages, { a: '2021', b: '2021' });
  });

  it('answers each message in the schema it was written in when the two sides are configured differently', async () => {
    // B writes v1.2 to A, A still writes 2021 to B: each confirmation follows the message it answers.
    await changePartner(b, 'ISIL:DK-A', { protocolVersion: '1.2' });
    const borrowing = await borrow();
    const lending = await lenderRequest(b, borrowing, 'ISIL:DK-B1');
    await act(b, lending.id, 'will_supply');
    await waitForState(a, borrowing.id, 'will_supply');
    const messages = await wire(borrowing, lending, { a: 1, b: 1 });
    const sentBy = (from: string) => messages.filter((m) => m.from === from && !m.kind.startsWith('confirmation'));
    const answeredBy = (from: string) => messages.filter((m) => m.from === from && m.kind.startsWith('confirmation'));
    await expectAllIn([...sentBy('a'), ...answeredBy('b')], { a: '2021', b: '2021' });
    await expectAllIn([...sentBy('b'), ...answeredBy('a')], { a: '1.2', b: '1.2' });
  });
});
