/**
 * Every kind of ISO 18626 message the server sends, built from requests as the lifecycle leaves
 * them, validated against the official v1.2 schema, and against the 2021-2 one as written for a 2021 partner.
 */
import { buildIso18626, parseIso18626 } from '../../../protocols/iso18626';
import { supplierMessageEvent } from '../../../src/domain/inbound';
import type { SendPayload } from '../../../src/jobs';
import { outboundMessage } from '../../../src/services/iso18626/mapping';
import { decodeRequest, type RequestRow } from '../../../src/store/requests';
import { validateAgainst } from '../../helpers/xsd';

const at = new Date('2026-11-26T10:15:30.123Z');

function row(role: RequestRow['role'], data: Record<string, unknown>, over: Partial<RequestRow> = {}): RequestRow {
  // As the store reads it: the stored data decoded by the one schema.
  return decodeRequest({
    id: '3b1f6a56-8d0a-4c59-9d39-2b8f4b0a7e11',
    libraryId: '0f6a2c1e-5b8b-4c3d-9e7f-1a2b3c4d5e6f',
    number: 7,
    role,
    state: 'shipped',
    serviceType: 'Loan',
    requestingAgencyId: 'ISIL:DK-A',
    requestingAgencyRequestId: 'req-1',
    supplyingAgencyId: 'ISIL:DK-B',
    supplyingAgencyRequestId: 'sup-9',
    needsAttention: false,
    version: 3,
    createdAt: at,
    updatedAt: at,
    ...over,
    data: over.data ?? data,
  });
}

const borrowing = row('requester', {
  bibliographic: {
    title: 'Tom & Jerry <annotated>',
    author: 'Hanna, William',
    titleOfComponent: 'Chapter 2',
    edition: '2nd',
    volume: '3',
    pagesRequested: '10-20',
    publisher: 'MGM',
    publicationDate: '1940',
    isbn: '9780000000002',
    issn: '1234-5678',
    oclcNumber: 'ocm123',
    doi: '10.1000/xyz',
  },
  patron: { id: 'P-1', name: 'Ada', email: 'ada@example.org' },
  neededBy: '2027-01-31',
  note: 'Please hurry',
  lifecycle: { serviceType: 'Loan', rota: [{ symbol: 'ISIL:DK-B', localId: 'b-42', callNumber: 'PN 1997' }], rotaIndex: 0 },
});
const lending = row('supplier', { lifecycle: { serviceType: 'Loan' } });
const hub = (mode: 'opaque' | 'transparent') =>
  row('broker', { broker: { symbol: 'ISIL:HUB', mode }, lifecycle: { serviceType: 'Loan', rota: [{ symbol: 'ISIL:DK-B' }], rotaIndex: 0 } }, { libraryId: null });

const cases: [string, RequestRow, SendPayload][] = [
  ['a request with every bibliographic field', borrowing, { to: 'ISIL:DK-B', message: { kind: 'request', rotaIndex: 0 } }],
  ['a minimal request', row('requester', { bibliographic: { oclcNumber: '1' }, lifecycle: { serviceType: 'Copy', rota: [{ symbol: 'ISIL:DK-B' }] } }, { serviceType: 'Copy', supplyingAgencyId: null, supplyingAgencyRequestId: null }), { to: 'ISIL:DK-B', message: { kind: 'request', rotaIndex: 0 } }],
  ...(['Received', 'Cancel', 'Renew', 'ShippedReturn', 'StatusRequest', 'Notification'] as const).map((action): [string, RequestRow, SendPayload] => [
    `a requestingAgencyMessage ${action}`,
    borrowing,
    { to: 'ISIL:DK-B', message: { kind: 'requestingAgencyMessage', action, ...(action === 'Notification' ? { note: 'Loan conditions agreed' } : {}) } },
  ]),
  ['WillSupply with a loan condition', lending, { to: 'ISIL:DK-A', message: { kind: 'supplyingAgencyMessage', reasonForMessage: 'RequestResponse', status: 'WillSupply', loanConditions: ['LibraryUseOnly'], note: 'Reading room only' } }],
  ['Loaned with a due date and delivery', lending, { to: 'ISIL:DK-A', message: { kind: 'supplyingAgencyMessage', reasonForMessage: 'StatusChange', status: 'Loaned', dueDate: '2027-03-01T23:59:59.000Z', delivered: true, loanConditions: ['NoReproduction'] } }],
  ['Unfilled with a reason', lending, { to: 'ISIL:DK-A', message: { kind: 'supplyingAgencyMessage', reasonForMessage: 'RequestResponse', status: 'Unfilled', reasonUnfilled: 'NotOnShelf' } }],
  ['a renewal answered yes', lending, { to: 'ISIL:DK-A', message: { kind: 'supplyingAgencyMessage', reasonForMessage: 'RenewResponse', status: 'Loaned', answerYesNo: 'Y', dueDate: '2027-04-01T00:00:00.000Z' } }],
  ['a cancel answered no', lending, { to: 'ISIL:DK-A', message: { kind: 'supplyingAgencyMessage', reasonForMessage: 'CancelResponse', status: 'WillSupply', answerYesNo: 'N' } }],
  ['RetryPossible with a reason', lending, { to: 'ISIL:DK-A', message: { kind: 'supplyingAgencyMessage', reasonForMessage: 'RequestResponse', status: 'RetryPossible', reasonRetry: 'OnLoan' } }],
  [
    'RetryPossible with the whole offer: window, price and conditions',
    lending,
    {
      to: 'ISIL:DK-A',
      message: { kind: 'supplyingAgencyMessage', reasonForMessage: 'StatusChange', status: 'RetryPossible', reasonRetry: 'CostExceedsMaxCost', offeredCosts: { monetaryValue: '25.00', currencyCode: 'EUR' }, retryAfter: '2027-01-10', retryBefore: '2027-02-01T12:00:00Z', loanConditions: ['LibraryUseOnly'], note: 'Loan conditions offered: LibraryUseOnly' },
    },
  ],
  [
    'a Retry with a new edition and a maximum cost',
    row('requester', { ...borrowing.data, billing: { maxCost: { monetaryValue: '30', currencyCode: 'EUR' } } }, { requestingAgencyRequestId: 'req-1-R1' }),
    { to: 'ISIL:DK-B', message: { kind: 'request', rotaIndex: 0, retryOf: 'req-1', note: 'the 2nd edition will do' } },
  ],
  ['a hub relaying a retry offer as a Notification', hub('opaque'), { to: 'ISIL:DK-A', supplier: 'ISIL:DK-B', message: { kind: 'supplyingAgencyMessage', reasonForMessage: 'Notification', status: 'RetryPossible', reasonRetry: 'OnLoan', retryBefore: '2027-02-01T00:00:00.000Z' } } as SendPayload],
  ['a hub passing a Retry on to the supplier', hub('transparent'), { to: 'ISIL:DK-B', supplier: 'ISIL:DK-B', message: { kind: 'request', rotaIndex: 0, retryOf: 'req-0' } } as SendPayload],
  ['CopyCompleted', lending, { to: 'ISIL:DK-A', message: { kind: 'supplyingAgencyMessage', reasonForMessage: 'StatusChange', status: 'CopyCompleted', delivered: true } }],
  ['a hub relaying Loaned in opaque mode', hub('opaque'), { to: 'ISIL:DK-A', supplier: 'ISIL:DK-B', message: { kind: 'supplyingAgencyMessage', reasonForMessage: 'StatusChange', status: 'Loaned', dueDate: '2027-03-01T23:59:59.000Z', delivered: true, note: 'Enjoy' } } as SendPayload],
  ['a hub relaying Loaned in transparent mode', hub('transparent'), { to: 'ISIL:DK-A', supplier: 'ISIL:DK-B', message: { kind: 'supplyingAgencyMessage', reasonForMessage: 'StatusChange', status: 'Loaned', dueDate: '2027-03-01T23:59:59.000Z', delivered: true } } as SendPayload],
  ['a hub asking a supplier', hub('opaque'), { to: 'ISIL:DK-B', message: { kind: 'requestingAgencyMessage', action: 'Received' } } as SendPayload],
];

describe('the ISO 18626 messages the server sends', () => {
  it.each(cases)('%s validates against the v1.2 schema', async (_name, request, payload) => {
    const xml = buildIso18626(outboundMessage(request, payload, { timestamp: at, libraryName: 'Home & Away Library', authentication: { securityCode: 's3cret' } }));
    expect(await validateAgainst('iso18626', xml)).toEqual({ valid: true, errors: [] });
  });

  it.each(cases)('%s validates against the 2021 schema, written for a partner set to 2021', async (_name, request, payload) => {
    const xml = buildIso18626(outboundMessage(request, payload, { timestamp: at, libraryName: 'Home & Away Library', authentication: { securityCode: 's3cret' } }), { version: '2021' });
    expect(await validateAgainst('iso18626_2021', xml)).toEqual({ valid: true, errors: [] });
  });

  it('sends a request as it was first sent even after the supplier answered with its own id, so a retry is a repeat', () => {
    const payload: SendPayload = { to: 'ISIL:DK-B', message: { kind: 'request', rotaIndex: 0 } };
    const beforeAnswer = { ...borrowing, state: 'sent_to_supplier', supplyingAgencyRequestId: null };
    const first = buildIso18626(outboundMessage(beforeAnswer, payload, { timestamp: at }));
    expect(buildIso18626(outboundMessage(borrowing, payload, { timestamp: at }))).toBe(first);
    expect(first).not.toContain('supplyingAgencyRequestId');
  });

  it('names the hub, not the supplier, toward the requester in opaque mode, and the supplier in the note', () => {
    const message = outboundMessage(hub('opaque'), cases.at(-3)![2], { timestamp: at });
    expect(message.header.supplyingAgencyId).toEqual({ agencyIdType: { value: 'ISIL' }, agencyIdValue: 'HUB' });
    expect(message.kind === 'supplyingAgencyMessage' && message.messageInfo.note).toBe('Supplier: ISIL:DK-B, Enjoy');
  });

  it('names the real supplier toward the requester in transparent mode', () => {
    const message = outboundMessage(hub('transparent'), cases.at(-2)![2], { timestamp: at });
    expect(message.header.supplyingAgencyId).toEqual({ agencyIdType: { value: 'ISIL' }, agencyIdValue: 'DK-B' });
  });

  it('sends a Retry under the new id, naming the old one, with what staff changed', () => {
    const retry = cases.find(([name]) => name.startsWith('a Retry'))!;
    const message = outboundMessage(retry[1], retry[2], { timestamp: at });
    if (message.kind !== 'request') throw new Error('not a request');
    expect(message.header.requestingAgencyRequestId).toBe('req-1-R1');
    expect(message.serviceInfo).toMatchObject({ requestType: 'Retry', requestingAgencyPreviousRequestId: 'req-1', note: 'the 2nd edition will do' });
    expect(message.billingInfo).toEqual({ maximumCosts: { monetaryValue: '30', currencyCode: { value: 'EUR' } } });
  });

  it("offers a retry's conditions in retryInfo to a 2021 partner, and in the note only to a v1.2 one; the requester reads them either way", () => {
    const offer = cases.find(([name]) => name.startsWith('RetryPossible with the whole offer'))!;
    const built = outboundMessage(offer[1], offer[2], { timestamp: at });
    const read = (version: '1.2' | '2021') => {
      const parsed = parseIso18626(buildIso18626(built, { version }));
      if (parsed.message.kind !== 'supplyingAgencyMessage') throw new Error('not a SAM');
      return { message: parsed.message, event: supplierMessageEvent(parsed.message) };
    };
    const v2021 = read('2021');
    expect(v2021.message.retryInfo?.loanCondition).toEqual([{ value: 'LibraryUseOnly' }]);
    expect(v2021.event).toMatchObject({ status: 'RetryPossible', reasonRetry: 'CostExceedsMaxCost', loanConditions: ['LibraryUseOnly'], offeredCosts: { monetaryValue: '25.00', currencyCode: 'EUR' } });
    const v12 = read('1.2');
    expect(v12.message.retryInfo).toBeUndefined();
    expect(v12.event.loanConditions).toBeUndefined();
    expect(v12.event.note).toBe('Loan conditions offered: LibraryUseOnly');
  });
});
