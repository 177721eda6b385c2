/**
 * The borrowing request's behaviour as ILL staff describe it: rota, stale timers, repeats,
 * cancel and renew with restore, loan conditions, copies, and a loan from start to end.
 */
import { decideRequester, isNoChange, startRequester } from '../../../src/domain/requester';
import type { RequesterEvent, RequesterState } from '../../../src/domain/requester';
import { IllegalTransition } from '../../../src/domain/types';
import type { Decision, Lifecycle } from '../../../src/domain/types';
import { A, AT, B, call, ctx, DUE, NEW_DUE, notice, ram, request, ROTA, sam, timer } from './requester-fixtures';

interface Req {
  state: RequesterState;
  lifecycle: Lifecycle;
}

/** Apply a decision the way the service saves it: absent keys stay, undefined clears. */
function apply(req: Req, d: Decision<RequesterState>): Req {
  const lifecycle = { ...req.lifecycle, ...d.changes } as Record<string, unknown>;
  for (const [k, v] of Object.entries(d.changes)) if (v === undefined) delete lifecycle[k];
  return { state: d.state, lifecycle: lifecycle as unknown as Lifecycle };
}

function run(req: Req, ...events: RequesterEvent[]): Req {
  return events.reduce((r, e) => apply(r, decideRequester(r, e, ctx)), req);
}

const at = (state: RequesterState, more: Partial<Lifecycle> = {}): Req => ({ state, lifecycle: { ...AT[state], ...more } });
const staff = (action: Extract<RequesterEvent, { type: 'staff' }>['action'], note?: string): RequesterEvent => ({ type: 'staff', action, ...(note ? { note } : {}) });
const refusal = (fn: () => unknown): IllegalTransition => {
  try {
    fn();
  } catch (e) {
    if (e instanceof IllegalTransition) return e;
    throw e;
  }
  throw new Error('expected an IllegalTransition');
};

describe('a new borrowing request', () => {
  it('starts as new and tells the patron it was received', () => {
    expect(startRequester({ serviceType: 'Loan', rota: ROTA })).toEqual({ state: 'new', changes: {}, effects: [notice('request_received')], note: 'request created' });
  });

  it('goes to the first supplier once the patron is validated, with an answer timer', () => {
    const d = decideRequester(at('new'), { type: 'validate' }, ctx);
    expect(d).toMatchObject({ state: 'sent_to_supplier', effects: [request(0), timer(0)], note: 'sent to ISIL:DK-A (supplier 1 of 2)' });
  });

  it('waits for staff routing when validated with no supplier to try', () => {
    const d = decideRequester(at('new', { rota: [] }), { type: 'validate' }, ctx);
    expect(d).toEqual({ state: 'validated', changes: {}, effects: [], note: 'patron validated; no supplier to send to yet' });
  });

  it('is sent to the suppliers staff choose, and refuses to send with none', () => {
    const d = decideRequester(at('validated'), { type: 'staff', action: 'send', rota: [B] }, ctx);
    expect(d).toMatchObject({ state: 'sent_to_supplier', changes: { rota: [B], rotaIndex: 0 }, effects: [request(0), timer(0)], note: 'sent to ISIL:DK-B (supplier 1 of 1)' });
    expect(decideRequester(at('validated', { rota: ROTA }), staff('send'), ctx).changes).toStrictEqual({ rotaIndex: 0 });
    expect(refusal(() => decideRequester(at('validated'), staff('send'), ctx)).reason).toMatch(/no supplier/);
  });

  it('needs staff when patron validation fails, and staff can retry it', () => {
    const failed = run(at('new'), { type: 'validation_failed', reason: 'patron blocked' });
    expect(failed).toEqual({ state: 'error', lifecycle: { ...AT.new, reason: 'patron blocked' } });
    expect(run(failed, staff('retry'))).toEqual({ state: 'new', lifecycle: AT.new });
  });
});

describe('the rota', () => {
  const first = at('sent_to_supplier');
  const last = at('sent_to_supplier', { rotaIndex: 1 });

  it('moves to the next supplier when the first answers Unfilled, and says who and why', () => {
    const d = decideRequester(first, sam('StatusChange', 'Unfilled', { reasonUnfilled: 'NotHeld' }), ctx);
    expect(d.state).toBe('sent_to_supplier');
    expect(d.changes.rotaIndex).toBe(1);
    expect(d.effects).toEqual([request(1), timer(1)]);
    expect(d.note).toBe('moved to ISIL:DK-B (supplier 2 of 2): ISIL:DK-A (supplier 1 of 2) answered Unfilled (NotHeld)');
  });

  it('forgets the previous supplier\'s status and conditions when it moves on', () => {
    const moved = run(at('will_supply', { loanConditions: ['LibraryUseOnly'] }), sam('StatusChange', 'Unfilled'));
    expect(moved).toEqual({ state: 'sent_to_supplier', lifecycle: { serviceType: 'Loan', rota: ROTA, rotaIndex: 1 } });
    // the new supplier's first statuses count from the start again
    expect(run(moved, sam('RequestResponse', 'ExpectToSupply')).state).toBe('expect_to_supply');
  });

  it('ends unfilled and tells the patron when the last supplier answers Unfilled', () => {
    const d = decideRequester(last, sam('StatusChange', 'Unfilled', { reasonUnfilled: 'NotAvailableForILL' }), ctx);
    expect(d).toEqual({
      state: 'unfilled',
      changes: { resumeState: undefined, reason: 'rota exhausted: ISIL:DK-B (supplier 2 of 2) answered Unfilled (NotAvailableForILL)', lastStatus: 'Unfilled' },
      effects: [notice('unfilled')],
      note: 'ended unfilled: rota exhausted: ISIL:DK-B (supplier 2 of 2) answered Unfilled (NotAvailableForILL)',
    });
  });

  it('ends unfilled at once on Unfilled with reason Duplicate, even with suppliers left', () => {
    const d = decideRequester(first, sam('StatusChange', 'Unfilled', { reasonUnfilled: 'duplicate' }), ctx);
    expect(d.state).toBe('unfilled');
    expect(d.note).toMatch(/^ended unfilled: no other supplier tried: ISIL:DK-A/);
  });

  it('moves on when a supplier refuses the request message itself', () => {
    const d = decideRequester(first, { type: 'request_refused', reason: 'ERROR UnrecognisedDataValue' }, ctx);
    expect(d.note).toBe('moved to ISIL:DK-B (supplier 2 of 2): ISIL:DK-A (supplier 1 of 2) refused the request: ERROR UnrecognisedDataValue');
    expect(decideRequester(last, { type: 'request_refused', reason: 'HTTP 500' }, ctx).state).toBe('unfilled');
  });

  it('moves on when the supplier does not answer in time, naming the wait', () => {
    const d = decideRequester(first, { type: 'supplier_timeout', rotaIndex: 0 }, ctx);
    expect(d.note).toBe('moved to ISIL:DK-B (supplier 2 of 2): ISIL:DK-A (supplier 1 of 2) did not answer within 3 days');
    expect(decideRequester(first, { type: 'supplier_timeout', rotaIndex: 0 }, { ...ctx, supplierTimeoutMs: 36 * 3_600_000 }).note).toMatch(/within 36 hours$/);
    const end = decideRequester(last, { type: 'supplier_timeout', rotaIndex: 1 }, ctx);
    expect(end).toMatchObject({ state: 'unfilled', effects: [notice('unfilled')] });
    expect(end.changes).not.toHaveProperty('lastStatus');
  });

  it('ignores quietly a timer left from an earlier supplier', () => {
    const d = decideRequester(last, { type: 'supplier_timeout', rotaIndex: 0 }, ctx);
    expect(isNoChange(last, d)).toBe(true);
    expect(d.note).toBe('ignored a stale answer timer for ISIL:DK-A (supplier 1 of 2)');
  });

  it.each(['expect_to_supply', 'will_supply', 'shipped', 'cancelled'] as const)('ignores quietly a timer that fires once the request is %s', (state) => {
    const req = at(state);
    expect(isNoChange(req, decideRequester(req, { type: 'supplier_timeout', rotaIndex: 0 }, ctx))).toBe(true);
  });

  it('notes but does not apply a message from a supplier it has moved on from', () => {
    const d = decideRequester(last, sam('StatusChange', 'WillSupply', { rotaIndex: 0 }), ctx);
    expect(isNoChange(last, d)).toBe(true);
    expect(d.note).toBe('noted WillSupply from ISIL:DK-A (supplier 1 of 2), no longer the current supplier');
    expect(isNoChange(last, decideRequester(last, { type: 'request_refused', reason: 'late', rotaIndex: 0 }, ctx))).toBe(true);
  });

  it('goes back to waiting when a broker sends Unfilled as a Notification and carries on', () => {
    const d = decideRequester(at('will_supply'), sam('Notification', 'Unfilled'), ctx);
    expect(d).toMatchObject({ state: 'sent_to_supplier', effects: [] });
  });

  it('walks a three-supplier rota: Unfilled, no answer, then WillSupply', () => {
    const C = { symbol: 'ISIL:DK-C' };
    let req = run({ state: 'new', lifecycle: { serviceType: 'Loan', rota: [A, B, C] } }, { type: 'validate' });
    req = run(req, sam('RequestResponse', 'Unfilled'), { type: 'supplier_timeout', rotaIndex: 1 }, sam('RequestResponse', 'WillSupply'));
    expect(req).toEqual({ state: 'will_supply', lifecycle: { serviceType: 'Loan', rota: [A, B, C], rotaIndex: 2, lastStatus: 'WillSupply' } });
  });
});

describe("the supplier's statuses", () => {
  it('changes nothing when the same status arrives twice', () => {
    const once = run(at('sent_to_supplier'), sam('RequestResponse', 'WillSupply'));
    const d = decideRequester(once, sam('StatusChange', 'WillSupply'), ctx);
    expect(d).toEqual({ state: 'will_supply', changes: {}, effects: [] });
  });

  it('ignores a backward status with a note, as CrossLink does', () => {
    const d = decideRequester(at('shipped'), sam('StatusChange', 'WillSupply'), ctx);
    expect(d).toEqual({ state: 'shipped', changes: {}, effects: [], note: 'ignored WillSupply after Loaned: out of order' });
  });

  it('keeps the note of a message with no status (Alma: no status change)', () => {
    const d = decideRequester(at('will_supply'), sam('StatusChange', undefined, { note: 'on the shelf' }), ctx);
    expect(d).toEqual({ state: 'will_supply', changes: {}, effects: [], note: 'on the shelf' });
  });

  it('takes only the note from a Notification, whatever its status', () => {
    const d = decideRequester(at('sent_to_supplier'), sam('Notification', 'RequestReceived', { note: '#seq:1# hello' }), ctx);
    expect(d).toEqual({ state: 'sent_to_supplier', changes: {}, effects: [], note: '#seq:1# hello' });
  });

  it('refuses a status that cannot apply with UnrecognisedDataValue', () => {
    const e = refusal(() => decideRequester(at('shipped'), sam('StatusChange', 'Cancelled'), ctx));
    expect(e).toMatchObject({ state: 'shipped', event: 'supplier_message:StatusChange/Cancelled', protocolError: 'UnrecognisedDataValue' });
    expect(e.message).toBe('supplier_message:StatusChange/Cancelled is not allowed in state shipped: status Cancelled cannot apply to a Loan request that is shipped');
  });

  it('refuses any message before the request was sent', () => {
    expect(refusal(() => decideRequester(at('new'), sam('Notification', undefined, { note: 'hi' }), ctx)).protocolError).toBe('UnrecognisedDataValue');
  });

  it('follows Loaned and Overdue alternating, and returns to where the item is', () => {
    let req = run(at('checked_out'), sam('StatusChange', 'Overdue'));
    expect(req.state).toBe('overdue');
    req = run(req, sam('StatusChange', 'Loaned', { dueDate: NEW_DUE }));
    expect(req).toEqual({ state: 'checked_out', lifecycle: { ...AT.checked_out, dueDate: NEW_DUE } });
  });

  it('records a new due date sent with a repeated Loaned', () => {
    expect(decideRequester(at('checked_out'), sam('StatusChange', 'Loaned', { dueDate: NEW_DUE }), ctx)).toMatchObject({ state: 'checked_out', changes: { dueDate: NEW_DUE }, effects: [] });
  });

  it('keeps the place of the item while recalled, so staff can still return it', () => {
    const req = run(at('received'), sam('StatusChange', 'Recalled'));
    expect(req.state).toBe('recalled');
    expect(decideRequester(req, staff('ship_return'), ctx)).toEqual({ state: 'shipped_return', changes: { resumeState: undefined }, effects: [ram('ShippedReturn'), call('DeleteItem')] });
  });

  it('completes when the supplier confirms the return, and not while the patron has the item', () => {
    expect(decideRequester(at('shipped_return'), sam('StatusChange', 'LoanCompleted'), ctx).state).toBe('complete');
    expect(refusal(() => decideRequester(at('checked_out'), sam('StatusChange', 'LoanCompleted'), ctx)).protocolError).toBe('UnrecognisedDataValue');
  });
});

describe('cancelling', () => {
  it('cancels at once before anything went to a supplier', () => {
    expect(decideRequester(at('new'), staff('cancel'), ctx)).toEqual({ state: 'cancelled', changes: {}, effects: [notice('cancelled')], note: 'cancelled by staff before sending' });
  });

  it('asks the supplier once sent, and ends cancelled when it agrees', () => {
    const pending = run(at('will_supply'), staff('cancel', 'patron no longer needs it'));
    expect(pending).toEqual({ state: 'cancel_pending', lifecycle: { ...AT.will_supply, resumeState: 'will_supply' } });
    expect(decideRequester(at('will_supply'), staff('cancel', 'patron no longer needs it'), ctx).effects).toEqual([ram('Cancel', 'patron no longer needs it')]);
    expect(run(pending, sam('CancelResponse', 'Cancelled', { answerYesNo: 'Y' }))).toEqual({ state: 'cancelled', lifecycle: { ...AT.will_supply, lastStatus: 'Cancelled' } });
  });

  it('treats status Cancelled without answerYesNo as an accepted cancel', () => {
    expect(decideRequester(at('cancel_pending'), sam('CancelResponse', 'Cancelled'), ctx).state).toBe('cancelled');
  });

  it('returns to where it was when the supplier refuses the cancel', () => {
    const pending = run(at('expect_to_supply'), staff('cancel'));
    expect(run(pending, sam('CancelResponse', 'ExpectToSupply', { answerYesNo: 'N' }))).toEqual(at('expect_to_supply'));
  });

  it('follows the status of a refusal: the item has already been shipped', () => {
    const pending = run(at('will_supply'), staff('cancel'));
    const d = decideRequester(pending, sam('CancelResponse', 'Loaned', { answerYesNo: 'N', dueDate: DUE }), ctx);
    expect(d).toEqual({ state: 'shipped', changes: { resumeState: undefined, lastStatus: 'Loaned', dueDate: DUE }, effects: [notice('shipped')], note: 'the supplier refused our cancel; Loaned' });
  });

  it('remembers a supplier answer that crossed our cancel, so a refusal restores it', () => {
    const pending = run(at('sent_to_supplier'), staff('cancel'), sam('RequestResponse', 'WillSupply'));
    expect(pending.state).toBe('cancel_pending');
    expect(pending.lifecycle.resumeState).toBe('will_supply');
    expect(run(pending, sam('CancelResponse', 'WillSupply', { answerYesNo: 'N' })).state).toBe('will_supply');
  });

  it('ends cancelled when the cancelled request never reached the supplier', () => {
    const pending = run(at('sent_to_supplier'), staff('cancel'));
    expect(decideRequester(pending, { type: 'request_refused', reason: 'HTTP 503' }, ctx)).toMatchObject({ state: 'cancelled', effects: [notice('cancelled')] });
  });

  it('refuses a CancelResponse nobody asked for', () => {
    expect(refusal(() => decideRequester(at('will_supply'), sam('CancelResponse', 'Cancelled', { answerYesNo: 'Y' }), ctx)).protocolError).toBe('UnsupportedReasonForMessageType');
    expect(refusal(() => decideRequester(at('cancel_pending'), sam('CancelResponse'), ctx)).protocolError).toBe('UnrecognisedDataValue');
  });

  it('accepts a repeated cancel confirmation quietly', () => {
    expect(isNoChange(at('cancelled'), decideRequester(at('cancelled'), sam('CancelResponse', undefined, { answerYesNo: 'Y' }), ctx))).toBe(true);
  });
});

describe('loan conditions', () => {
  const offered = run(at('sent_to_supplier'), sam('RequestResponse', 'WillSupply', { loanConditions: ['LibraryUseOnly'] }));

  it('waits for staff when the supplier will supply with conditions', () => {
    expect(offered).toEqual({ state: 'conditional', lifecycle: { ...AT.sent_to_supplier, lastStatus: 'WillSupply', loanConditions: ['LibraryUseOnly'] } });
  });

  it('tells the supplier the conditions are agreed and expects the item', () => {
    const d = decideRequester(offered, staff('accept_conditions'), ctx);
    expect(d).toEqual({ state: 'will_supply', changes: {}, effects: [ram('Notification', 'Loan conditions agreed')], note: 'agreed to the loan conditions of ISIL:DK-A (supplier 1 of 2)' });
  });

  it('rejects them with a Cancel, and moves to the next supplier once the cancel is accepted', () => {
    const pending = run(offered, staff('reject_conditions', 'we cannot supervise'));
    expect(pending.state).toBe('cancel_pending');
    const d = decideRequester(pending, sam('CancelResponse', 'Cancelled', { answerYesNo: 'Y' }), ctx);
    expect(d).toMatchObject({ state: 'sent_to_supplier', changes: { rotaIndex: 1 }, effects: [request(1), timer(1)] });
    expect(d.note).toBe('moved to ISIL:DK-B (supplier 2 of 2): ISIL:DK-A (supplier 1 of 2) accepted our cancel after we rejected its loan conditions');
  });

  it('ends unfilled when the conditions of the last supplier are rejected', () => {
    const pending = run(at('conditional', { rotaIndex: 1 }), staff('reject_conditions'));
    expect(decideRequester(pending, sam('CancelResponse', 'Cancelled', { answerYesNo: 'Y' }), ctx)).toMatchObject({ state: 'unfilled', effects: [notice('unfilled')] });
  });

  it('is back to deciding when the supplier refuses the cancel of a rejection', () => {
    const pending = run(offered, staff('reject_conditions'));
    expect(run(pending, sam('CancelResponse', undefined, { answerYesNo: 'N' })).state).toBe('conditional');
  });
});

describe('renewals', () => {
  const pending = run(at('checked_out'), staff('renew'));

  it('asks the supplier to renew and keeps where the item is', () => {
    expect(pending).toEqual({ state: 'renew_pending', lifecycle: { ...AT.checked_out, resumeState: 'checked_out' } });
  });

  it('takes the new due date when renewed and tells the patron', () => {
    const renewed = run(pending, sam('RenewResponse', 'Loaned', { answerYesNo: 'Y', dueDate: NEW_DUE }));
    expect(renewed).toEqual({ state: 'checked_out', lifecycle: { ...AT.checked_out, dueDate: NEW_DUE, renewals: 1 } });
    expect(decideRequester(pending, sam('RenewResponse', 'Loaned', { answerYesNo: 'Y', dueDate: NEW_DUE }), ctx).effects).toEqual([notice('renewed')]);
  });

  it('counts renewals', () => {
    const twice = run(pending, sam('RenewResponse', 'Loaned', { answerYesNo: 'Y', dueDate: NEW_DUE }), staff('renew'), sam('RenewResponse', 'Loaned', { answerYesNo: 'Y', dueDate: '2026-12-01T00:00:00Z' }));
    expect(twice.lifecycle).toMatchObject({ renewals: 2, dueDate: '2026-12-01T00:00:00Z' });
  });

  it('keeps the old due date and tells the patron when refused', () => {
    const d = decideRequester(pending, sam('RenewResponse', 'Loaned', { answerYesNo: 'N' }), ctx);
    expect(d).toEqual({ state: 'checked_out', changes: { resumeState: undefined, lastStatus: 'Loaned' }, effects: [notice('renew_refused')], note: 'the supplier refused the renewal' });
  });

  it('is overdue again when a renewal asked for an overdue item is refused', () => {
    const overdue = run(at('checked_out'), sam('StatusChange', 'Overdue'), staff('renew'));
    expect(overdue).toMatchObject({ state: 'renew_pending', lifecycle: { resumeState: 'checked_out', lastStatus: 'Overdue' } });
    expect(run(overdue, sam('RenewResponse', undefined, { answerYesNo: 'N' }))).toMatchObject({ state: 'overdue', lifecycle: { resumeState: 'checked_out' } });
    expect(run(overdue, sam('RenewResponse', 'Loaned', { answerYesNo: 'Y', dueDate: NEW_DUE }))).toMatchObject({ state: 'checked_out', lifecycle: { lastStatus: 'Loaned', dueDate: NEW_DUE } });
  });

  it('is recalled when the supplier refuses and recalls', () => {
    const d = decideRequester(pending, sam('RenewResponse', 'Recalled', { answerYesNo: 'N' }), ctx);
    expect(d).toEqual({ state: 'recalled', changes: { lastStatus: 'Recalled' }, effects: [notice('renew_refused'), notice('recalled')], note: 'the supplier refused the renewal' });
  });

  it('cannot be renewed before it arrives, once recalled, or twice at a time', () => {
    for (const state of ['shipped', 'recalled', 'renew_pending', 'shipped_return'] as const) {
      expect(refusal(() => decideRequester(at(state), staff('renew'), ctx)).protocolError).toBeUndefined();
    }
  });

  it('refuses a RenewResponse nobody asked for', () => {
    expect(refusal(() => decideRequester(at('will_supply'), sam('RenewResponse', 'Loaned', { answerYesNo: 'Y' }), ctx)).protocolError).toBe('UnsupportedReasonForMessageType');
  });
});

describe('copies', () => {
  const copy = (state: RequesterState): Req => at(state, { serviceType: 'Copy' });

  it('ends complete and tells the patron the copy was delivered', () => {
    expect(decideRequester(copy('will_supply'), sam('StatusChange', 'CopyCompleted'), ctx)).toEqual({ state: 'complete', changes: { lastStatus: 'CopyCompleted' }, effects: [notice('delivered')] });
  });

  it('refuses Loaned for a copy request, and CopyCompleted for a loan', () => {
    expect(refusal(() => decideRequester(copy('will_supply'), sam('StatusChange', 'Loaned'), ctx)).protocolError).toBe('UnrecognisedDataValue');
    expect(refusal(() => decideRequester(at('will_supply'), sam('StatusChange', 'CopyCompleted'), ctx)).protocolError).toBe('UnrecognisedDataValue');
  });

  it('takes either for CopyOrLoan', () => {
    const either = (state: RequesterState): Req => at(state, { serviceType: 'CopyOrLoan' });
    expect(decideRequester(either('will_supply'), sam('StatusChange', 'CopyCompleted'), ctx).state).toBe('complete');
    expect(decideRequester(either('will_supply'), sam('StatusChange', 'Loaned'), ctx).state).toBe('shipped');
  });
});

describe('a loan from request to return', () => {
  it('goes through every step with the messages, NCIP calls and notices ILL staff expect', () => {
    const steps: [RequesterEvent, RequesterState, unknown[]][] = [
      [{ type: 'validate' }, 'sent_to_supplier', [request(0), timer(0)]],
      [sam('RequestResponse', 'ExpectToSupply'), 'expect_to_supply', []],
      [sam('StatusChange', 'WillSupply'), 'will_supply', []],
      [sam('StatusChange', 'Loaned', { dueDate: DUE }), 'shipped', [notice('shipped')]],
      [staff('mark_received'), 'received', [ram('Received'), call('AcceptItem'), notice('ready_for_pickup')]],
      [staff('check_out'), 'checked_out', []],
      [staff('mark_returned'), 'returned_by_patron', [call('CheckInItem')]],
      [staff('ship_return'), 'shipped_return', [ram('ShippedReturn'), call('DeleteItem')]],
      [sam('StatusChange', 'LoanCompleted'), 'complete', []],
    ];
    let req: Req = { state: 'new', lifecycle: { serviceType: 'Loan', rota: ROTA } };
    for (const [event, state, effects] of steps) {
      const d = decideRequester(req, event, ctx);
      expect([d.state, d.effects]).toEqual([state, effects]);
      req = apply(req, d);
    }
    expect(req.lifecycle).toEqual({ serviceType: 'Loan', rota: ROTA, rotaIndex: 0, lastStatus: 'LoanCompleted', dueDate: DUE });
  });
});
