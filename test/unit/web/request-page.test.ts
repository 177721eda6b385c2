/** The request page's rules, as pure functions: action forms, the rota as staff read it, dead work, the next action, what changed. */
import { fieldOfPath, formOf, paramsFrom } from '../../../web/src/request/action-forms';
import { eventsSince } from '../../../web/src/request/changes';
import { deadWork } from '../../../web/src/request/dead-work';
import { nextAction } from '../../../web/src/request/next-action';
import { rotaRows } from '../../../web/src/request/rota';
import type { RequestData, TimelineEntry } from '../../../web/src/request/types';
import { placedBy } from '../../../web/src/request/source';

const event = (id: string, name: string, data: Record<string, unknown> = {}, at = '2026-12-01T10:00:00Z'): TimelineEntry => ({ kind: 'event', id, at, event: name, fromState: 'a', toState: 'a', actor: 'system', actorName: null, data });

describe('action forms', () => {
  it('ship sends only what staff filled in: an empty due date leaves it to the loan period', () => {
    const fields = formOf('supplier', 'ship')!;
    expect(paramsFrom(fields, { dueDate: '', itemId: ' 3900123 ' })).toEqual({ itemId: '3900123' });
    expect(paramsFrom(fields, { dueDate: '2027-01-31', itemId: '', note: 'fragile' })).toEqual({ dueDate: '2027-01-31', note: 'fragile' });
  });

  it('a price is an object of amount and currency; conditions are one a line; lenders become a rota', () => {
    expect(paramsFrom(formOf('requester', 'accept_retry')!, { 'maxCost.monetaryValue': '25.00', 'maxCost.currencyCode': 'EUR' })).toEqual({ maxCost: { monetaryValue: '25.00', currencyCode: 'EUR' } });
    expect(paramsFrom(formOf('supplier', 'add_conditions')!, { conditions: 'Library use only\n\n In the reading room ' })).toEqual({ conditions: ['Library use only', 'In the reading room'] });
    expect(paramsFrom(formOf('requester', 'send')!, { rota: 'ISIL:DK-1, ISIL:DK-2\nISIL:DK-3' })).toEqual({ rota: [{ symbol: 'ISIL:DK-1' }, { symbol: 'ISIL:DK-2' }, { symbol: 'ISIL:DK-3' }] });
  });

  it('actions without parameters act at once; every hub action asks why', () => {
    expect(formOf('requester', 'mark_received')).toBeUndefined();
    expect(formOf('broker', 'skip_supplier')!.map((f) => [f.name, f.required])).toEqual([['reason', true]]);
  });

  it('a 400 path lands on its field', () => {
    const fields = formOf('requester', 'rerequest')!;
    expect(fieldOfPath('params.needBeforeDate', fields)).toBe('needBeforeDate');
    expect(fieldOfPath('params.candidates.0.symbol', fields)).toBe('candidates');
    expect(fieldOfPath('params.maxCost', fields)).toBe('maxCost.monetaryValue');
    expect(fieldOfPath('params', fields)).toBeUndefined();
  });
});

describe('the rota as staff read it', () => {
  const data = (rotaIndex: number): RequestData => ({
    lifecycle: { serviceType: 'Loan', rota: [{ symbol: 'ISIL:A' }, { symbol: 'ISIL:B' }, { symbol: 'ISIL:C' }], rotaIndex },
    routing: {
      strategy: 'ranked',
      at: '2026-12-01T10:00:00Z',
      explanation: [
        { symbol: 'ISIL:A', kept: true, rank: 1, reason: 'holds it' },
        { symbol: 'ISIL:B', kept: true, rank: 2, reason: 'holds it, busier' },
        { symbol: 'ISIL:C', kept: true, rank: 3, reason: 'lends everything' },
        { symbol: 'ISIL:D', kept: false, reason: 'does not lend Loan to us' },
      ],
    },
  });

  it('ranks the asked ones in order, marks who was asked, who is asked now and who waits, and lists the skipped with why', () => {
    expect(rotaRows('requester', 'sent_to_supplier', data(1))).toEqual([
      { symbol: 'ISIL:A', rank: 1, status: 'asked_before', reason: 'holds it' },
      { symbol: 'ISIL:B', rank: 2, status: 'current', reason: 'holds it, busier' },
      { symbol: 'ISIL:C', rank: 3, status: 'waiting', reason: 'lends everything' },
      { symbol: 'ISIL:D', rank: null, status: 'skipped', reason: 'does not lend Loan to us' },
    ]);
  });

  it('before a request is sent nobody has been asked', () => {
    expect(rotaRows('requester', 'validated', data(0)).map((r) => r.status)).toEqual(['waiting', 'waiting', 'waiting', 'skipped']);
  });

  it('a lending request has no rota', () => {
    expect(rotaRows('supplier', 'received', data(0))).toEqual([]);
  });
});

describe('dead work', () => {
  it('is the work a needs_attention event names, until staff retry or skip it', () => {
    const timeline = [
      event('1', 'needs_attention', { outboxId: 'o1', queue: 'ncip', job: 'ncip', call: 'CheckOutItem', reason: 'ILS says: Item Unknown' }),
      event('2', 'needs_attention', { outboxId: 'o2', queue: 'iso18626', job: 'deliver', reason: 'HTTP 500' }, '2026-12-01T11:00:00Z'),
      event('3', 'staff:retry_effect', { outboxId: 'o2', newOutboxId: 'o3' }),
    ];
    expect(deadWork(timeline)).toEqual([{ outboxId: 'o1', job: 'CheckOutItem', reason: 'ILS says: Item Unknown', at: '2026-12-01T10:00:00Z' }]);
    expect(deadWork([...timeline, event('4', 'staff:skip_effect', { outboxId: 'o1', note: 'checked out by hand' })])).toEqual([]);
  });
});

describe('the next action a scan focuses', () => {
  it.each([
    ['requester', 'shipped', ['mark_received', 'cancel'], 'mark_received'],
    ['requester', 'received', ['check_out'], 'check_out'],
    ['supplier', 'awaiting_shipping', ['cannot_supply', 'ship'], 'ship'],
    ['supplier', 'returned_by_borrower', ['check_in'], 'check_in'],
  ] as const)('%s in %s: %s -> %s', (role, state, actions, expected) => {
    expect(nextAction(role, state, actions)).toBe(expected);
  });

  it('falls back to the first action when the usual one is not offered, and to none when nothing is', () => {
    expect(nextAction('supplier', 'awaiting_shipping', ['cannot_supply'])).toBe('cannot_supply');
    expect(nextAction('requester', 'complete', [])).toBeUndefined();
  });
});

describe('what changed while staff looked', () => {
  it('is the events recorded since, not the messages', () => {
    const seen = [event('1', 'created')];
    const message: TimelineEntry = { kind: 'message', id: 'm1', at: '2026-12-01T10:01:00Z', protocol: 'iso18626', direction: 'out', peer: 'ISIL:A', messageType: 'supplyingAgencyMessage', status: 'sent', rawXml: '<x/>', responseXml: null, httpStatus: 200, error: null, attempts: 1, lastAttemptAt: null };
    const shipped = { ...event('2', 'staff:ship'), actorName: 'Ada Lovelace' };
    expect(eventsSince(seen, [...seen, message, shipped])).toEqual([shipped]);
  });
});

describe('where a request came from, on the request page', () => {
  it('says a patron placed it online, and from which discovery layer', () => {
    expect(placedBy({ channel: 'patron', referrer: 'info:sid/primo.exlibrisgroup.com' })).toBe('by the patron, online, from primo.exlibrisgroup.com');
    expect(placedBy({ channel: 'patron', referrer: 'EBSCO:Academic Search' })).toBe('by the patron, online, from EBSCO:Academic Search');
    expect(placedBy({ channel: 'patron' })).toBe('by the patron, online');
  });

  it('names NCIP, and says nothing when staff typed it', () => {
    expect(placedBy({ channel: 'ncip', externalId: 'R-7' })).toBe('through NCIP (the ILS or discovery layer)');
    expect(placedBy({ channel: 'staff' })).toBeUndefined();
    expect(placedBy(undefined)).toBeUndefined();
  });
});
