/**
 * The retry flow in the three machines (src/domain/retry.ts): what an offer keeps, the ids a
 * retried transaction takes, the timers and when they are stale, and the hub's part.
 */
import { decideBroker, type BrokerEvent } from '../../../src/domain/broker';
import { isNoChange } from '../../../src/domain/decision';
import { requesterMessageEvent } from '../../../src/domain/inbound';
import { decideRequester, type RequesterEvent } from '../../../src/domain/requester';
import { RETRY_DECLINED_MARKER, retryRequestId } from '../../../src/domain/retry';
import { decideSupplier } from '../../../src/domain/supplier';
import type { Effect, Lifecycle, RetryOffer } from '../../../src/domain/types';
import { AT as BROKER_AT, ctx as brokerCtx } from './broker-fixtures';
import { AT, ctx, refusal, sam } from './requester-fixtures';
import { ctx as supplierCtx } from './supplier-fixtures';

const OFFER: RetryOffer = { reason: 'OnLoan', retryBefore: '2026-09-20T00:00:00Z', supplier: 'ISIL:DK-A', at: '2026-09-01T09:00:00.000Z' };
const offeredAt = (more: Partial<Lifecycle> = {}) => ({ state: 'retry_offered' as const, lifecycle: { ...AT.retry_offered, retryOffer: OFFER, ...more }, requestingAgencyRequestId: 'REQ-1' });
const requester = (current: Parameters<typeof decideRequester>[0], event: RequesterEvent) => decideRequester(current, event, ctx);
const timers = (effects: readonly Effect[]) => effects.filter((e) => e.kind === 'timer');

describe('a retry offer at the requester', () => {
  it('keeps the offer for staff, with a timer at its retryBefore, and tells the patron nothing', () => {
    const d = requester({ state: 'expect_to_supply', lifecycle: AT.expect_to_supply }, sam('StatusChange', 'RetryPossible', { reasonRetry: 'CostExceedsMaxCost', offeredCosts: { monetaryValue: '25.00', currencyCode: 'EUR' }, retryBefore: '2026-09-08T10:00:00Z', note: 'our fee' }));
    expect(d.state).toBe('retry_offered');
    expect(d.changes.retryOffer).toEqual({ reason: 'CostExceedsMaxCost', offeredCosts: { monetaryValue: '25.00', currencyCode: 'EUR' }, retryBefore: '2026-09-08T10:00:00Z', note: 'our fee', supplier: 'ISIL:DK-A', at: ctx.at.toISOString() });
    expect(d.effects).toEqual([{ kind: 'timer', timer: 'retry_expiry', afterMs: 7 * 86_400_000, rotaIndex: 0 }]);
  });

  it('reads a RetryPossible Notification as an offer through a broker hub', () => {
    const d = requester({ state: 'expect_to_supply', lifecycle: AT.expect_to_supply }, sam('Notification', 'RetryPossible', { reasonRetry: 'OnLoan' }));
    expect(d).toMatchObject({ state: 'retry_offered', changes: { retryOffer: { reason: 'OnLoan', throughHub: true } } });
    // The hub, not the supplier, has the request now: its last status is left as it was.
    expect(d.changes).not.toHaveProperty('lastStatus');
  });

  it('takes a new request id for each retry, numbered from the first', () => {
    expect(retryRequestId('abc', undefined)).toBe('abc-R1');
    expect(retryRequestId('abc-R1', ['abc'])).toBe('abc-R2');
    const d = requester(offeredAt(), { type: 'staff', action: 'accept_retry', serviceType: 'Copy' });
    expect(d).toMatchObject({ state: 'sent_to_supplier', requestingAgencyRequestId: 'REQ-1-R1', changes: { earlierRequestIds: ['REQ-1'], serviceType: 'Copy' } });
    expect(d.effects[0]).toEqual({ kind: 'send', message: { kind: 'request', rotaIndex: 0, retryOf: 'REQ-1' } });
  });

  it('declines an offer through a hub by telling the hub, which moves its own rota', () => {
    const d = requester(offeredAt({ retryOffer: { ...OFFER, throughHub: true } }), { type: 'staff', action: 'decline_retry', note: 'too dear' });
    expect(d.state).toBe('sent_to_supplier');
    expect(d.changes).toMatchObject({ retryOffer: undefined });
    expect(d.effects).toEqual([{ kind: 'send', message: { kind: 'requestingAgencyMessage', action: 'Notification', note: `${RETRY_DECLINED_MARKER} too dear` } }]);
    expect(requesterMessageEvent({ action: 'Notification', note: `${RETRY_DECLINED_MARKER} too dear` })).toMatchObject({ retryDeclined: true });
  });

  it('moves the rota on when the offer expires, and notes a stale expiry timer without changing anything', () => {
    expect(requester(offeredAt(), { type: 'retry_expired', rotaIndex: 0, requestId: 'REQ-1' })).toMatchObject({ state: 'sent_to_supplier', changes: { rotaIndex: 1 } });
    // Set for the transaction before a retry, for another supplier, or for an offer taken up since.
    const stale = [
      requester(offeredAt(), { type: 'retry_expired', rotaIndex: 0, requestId: 'REQ-0' }),
      requester(offeredAt(), { type: 'retry_expired', rotaIndex: 1 }),
      requester({ state: 'sent_to_supplier', lifecycle: AT.sent_to_supplier, requestingAgencyRequestId: 'REQ-1-R1' }, { type: 'retry_expired', rotaIndex: 0, requestId: 'REQ-1' }),
    ];
    for (const d of stale) {
      expect(d.note).toMatch(/stale retry offer expiry/);
      expect(isNoChange({ state: d.state }, d)).toBe(true);
    }
    // The answer timer of the transaction before the retry does not move the rota of the new one.
    const old = requester({ state: 'sent_to_supplier', lifecycle: AT.sent_to_supplier, requestingAgencyRequestId: 'REQ-1-R1' }, { type: 'supplier_timeout', rotaIndex: 0, requestId: 'REQ-1' });
    expect(isNoChange({ state: 'sent_to_supplier' }, old)).toBe(true);
  });

  it('schedules a retry accepted before its retryAfter, and sends it when the time comes', () => {
    const scheduled = requester(offeredAt({ retryOffer: { ...OFFER, retryAfter: '2026-09-03T10:00:00Z' } }), { type: 'staff', action: 'accept_retry', note: 'when it is back' });
    // Until it goes out the transaction keeps its id: a hub may still speak of it.
    expect(scheduled).toMatchObject({ state: 'retry_scheduled', changes: { retryAt: '2026-09-03T10:00:00Z', pendingNote: 'when it is back' } });
    expect(scheduled.requestingAgencyRequestId).toBeUndefined();
    expect(timers(scheduled.effects)).toEqual([{ kind: 'timer', timer: 'retry_due', afterMs: 2 * 86_400_000, rotaIndex: 0 }]);
    const due = requester({ state: 'retry_scheduled', lifecycle: { ...AT.retry_scheduled, pendingNote: 'when it is back' }, requestingAgencyRequestId: 'REQ-1' }, { type: 'retry_due', rotaIndex: 0, requestId: 'REQ-1' });
    expect(due).toMatchObject({ state: 'sent_to_supplier', requestingAgencyRequestId: 'REQ-1-R1', changes: { earlierRequestIds: ['REQ-1'], retryOffer: undefined, pendingNote: undefined } });
    expect(due.effects[0]).toEqual({ kind: 'send', message: { kind: 'request', rotaIndex: 0, retryOf: 'REQ-1', note: 'when it is back' } });
  });

  it('cannot accept an offer without knowing the id it was made for', () => {
    expect(refusal(() => requester({ ...offeredAt(), requestingAgencyRequestId: undefined }, { type: 'staff', action: 'accept_retry' })).reason).toMatch(/request id the offer was made for/);
  });
});

describe('offering a retry at the supplier', () => {
  it('ends the transaction with RetryPossible and the whole offer; conditions go in the note and, for 2021, in retryInfo', () => {
    const d = decideSupplier(
      { state: 'will_supply', lifecycle: { serviceType: 'Loan', lastStatus: 'WillSupply' } },
      { type: 'staff', action: 'offer_retry', reason: 'LoanCondition', retryBefore: '2026-10-01', loanConditions: ['LibraryUseOnly'], note: 'reading room only' },
      supplierCtx,
    );
    expect(d.state).toBe('retry_offered');
    expect(d.effects).toEqual([
      { kind: 'send', message: { kind: 'supplyingAgencyMessage', reasonForMessage: 'StatusChange', status: 'RetryPossible', reasonRetry: 'LoanCondition', retryBefore: '2026-10-01', loanConditions: ['LibraryUseOnly'], note: 'Loan conditions offered: LibraryUseOnly. reading room only' } },
    ]);
  });
});

describe('a retry offer at the hub', () => {
  const hub = (lifecycle: Lifecycle, event: BrokerEvent, state: 'searching' | 'retry_offered' = 'retry_offered') => decideBroker({ state, lifecycle, requestingAgencyRequestId: 'REQ-1' }, event, brokerCtx);

  it('relays the offer as a Notification and waits until retryBefore, at most its answer timeout', () => {
    const d = hub(BROKER_AT.searching, { type: 'supplier_message', reasonForMessage: 'RequestResponse', status: 'RetryPossible', reasonRetry: 'OnLoan', retryBefore: '2026-09-02T10:00:00Z', rotaIndex: 1 }, 'searching');
    expect(d.state).toBe('retry_offered');
    expect(d.effects).toEqual([
      { kind: 'send', supplier: 'ISIL:S2', message: { kind: 'supplyingAgencyMessage', reasonForMessage: 'Notification', status: 'RetryPossible', reasonRetry: 'OnLoan', retryBefore: '2026-09-02T10:00:00Z' } },
      { kind: 'timer', timer: 'retry_expiry', afterMs: 86_400_000, rotaIndex: 1 },
    ]);
    const far = hub(BROKER_AT.searching, { type: 'supplier_message', reasonForMessage: 'RequestResponse', status: 'RetryPossible', reasonRetry: 'OnLoan', rotaIndex: 1 }, 'searching');
    expect(timers(far.effects)).toEqual([{ kind: 'timer', timer: 'retry_expiry', afterMs: brokerCtx.supplierTimeoutMs, rotaIndex: 1 }]);
  });

  it("takes the requester's Retry to the same supplier under the new id, naming the one it knew", () => {
    const d = hub(BROKER_AT.retry_offered, { type: 'retry_request', requestingAgencyRequestId: 'REQ-1-R1' });
    expect(d).toMatchObject({ state: 'searching', requestingAgencyRequestId: 'REQ-1-R1', changes: { earlierRequestIds: ['REQ-1'], retryOffer: undefined, lastStatus: undefined } });
    expect(d.effects).toEqual([
      { kind: 'send', supplier: 'ISIL:S2', message: { kind: 'request', rotaIndex: 1, retryOf: 'REQ-1' } },
      { kind: 'timer', timer: 'supplier_answer', afterMs: brokerCtx.supplierTimeoutMs, rotaIndex: 1 },
    ]);
    expect(refusal(() => hub(BROKER_AT.searching, { type: 'retry_request', requestingAgencyRequestId: 'REQ-1-R1' }, 'searching')).protocolError).toBe('UnrecognisedDataValue');
  });

  it('asks the next supplier when the requester declines, or says nothing in time; a stale timer is noted', () => {
    const declined = hub(BROKER_AT.retry_offered, { type: 'requester_message', action: 'Notification', note: `${RETRY_DECLINED_MARKER} no`, retryDeclined: true });
    expect(declined).toMatchObject({ state: 'searching', changes: { rotaIndex: 2, retryOffer: undefined } });
    expect(hub(BROKER_AT.retry_offered, { type: 'retry_expired', rotaIndex: 1, requestId: 'REQ-1' })).toMatchObject({ state: 'searching', changes: { rotaIndex: 2 } });
    const stale = hub(BROKER_AT.retry_offered, { type: 'retry_expired', rotaIndex: 1, requestId: 'REQ-0' });
    expect(isNoChange({ state: 'retry_offered' }, stale)).toBe(true);
    const last = hub({ ...BROKER_AT.retry_offered, rotaIndex: 2 }, { type: 'retry_expired', rotaIndex: 2 });
    expect(last.state).toBe('unfilled');
    expect(last.effects).toEqual([expect.objectContaining({ message: expect.objectContaining({ reasonForMessage: 'StatusChange', status: 'Unfilled' }) })]);
  });
});
