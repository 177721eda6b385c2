/**
 * The borrowing request's behaviour as ILL staff describe it: statuses, repeats and backward
 * moves, cancel and renew with restore, loan conditions, copies, and a loan from start to end.
 */
import { decideRequester, isNoChange, startRequester } from '../../../src/domain/requester';
import type { RequesterEvent, RequesterState } from '../../../src/domain/requester';
import { apply, at, AT, call, ctx, DUE, NEW_DUE, notice, ram, refusal, request, ROTA, run, sam, staff, timer } from './requester-fixtures';
import type { Req } from './requester-fixtures';

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
    expect(decideRequester(req, staff('ship_return'), ctx)).toEqual({
      state: 'shipped_return',
      changes: { resumeState: undefined },
      effects: [ram('ShippedReturn'), call('CancelRequestItem'), call('DeleteItem')],
      note: 'shipped back uncollected',
    });
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

describe("with the library's ILS taking part (NCIP)", () => {
  const ils = { ...ctx, ils: { lookupUser: true } };

  it('checks the patron in the ILS before anything goes out, and the answer validates the request', () => {
    expect(startRequester({ serviceType: 'Loan' }, { ils: { lookupUser: true } })).toEqual({
      state: 'new',
      changes: {},
      effects: [call('LookupUser')],
      note: 'request created; the patron is being checked in the ILS',
    });
    expect(startRequester({ serviceType: 'Loan' }, { ils: { lookupUser: false } }).effects).toEqual([notice('request_received')]);
    expect(decideRequester(at('new'), { type: 'validate' }, ils).state).toBe('sent_to_supplier');
  });

  it('tells the patron the request was received once the ILS has accepted them (the address may come from the ILS), and not when it refuses them', () => {
    expect(decideRequester(at('new'), { type: 'validate' }, ils).effects).toEqual([notice('request_received'), request(0), timer(0)]);
    expect(decideRequester(at('new', { rota: [] }), { type: 'validate' }, ils)).toMatchObject({ state: 'validated', effects: [notice('request_received')] });
    expect(decideRequester(at('new', { heldLocally: true }), { type: 'validate' }, ils)).toMatchObject({ state: 'local_review', effects: [notice('request_received')] });
    expect(decideRequester(at('new'), { type: 'validation_failed', reason: 'blocked', category: 'patron_blocked' }, ils).effects).toEqual([]);
    // Without the ILS the patron heard at creation (startRequester): validating says nothing again.
    expect(decideRequester(at('new'), { type: 'validate' }, ctx).effects).toEqual([request(0), timer(0)]);
  });

  it('stops in error with the reason when the ILS refuses the patron, and a retry asks the ILS again', () => {
    const failed = run(at('new'), { type: 'validation_failed', reason: 'patron P-1 is blocked in the ILS', category: 'patron_blocked' });
    expect(failed).toMatchObject({ state: 'error', lifecycle: { reason: 'patron P-1 is blocked in the ILS', reasonCategory: 'patron_blocked' } });
    expect(decideRequester(failed, staff('retry'), ils)).toEqual({
      state: 'new',
      changes: { reason: undefined, reasonCategory: undefined },
      effects: [call('LookupUser')],
      note: 'staff asked to check the patron in the ILS again',
    });
  });

  it('checks the patron again when staff correct it after it was validated, and waits for retry in error', () => {
    expect(decideRequester(at('validated'), staff('edit_patron'), ils)).toMatchObject({ state: 'new', effects: [call('LookupUser')] });
    expect(decideRequester(at('error'), staff('edit_patron'), ils)).toMatchObject({ state: 'error', effects: [] });
    expect(decideRequester(at('new'), staff('edit_patron'), ils)).toMatchObject({ state: 'new', effects: [] });
  });

  it('cancels the hold on the temporary item when the item goes back uncollected, but not after the patron had it', () => {
    expect(decideRequester(at('received'), staff('ship_return'), ctx).effects).toEqual([ram('ShippedReturn'), call('CancelRequestItem'), call('DeleteItem')]);
    expect(decideRequester(at('returned_by_patron'), staff('ship_return'), ctx).effects).toEqual([ram('ShippedReturn'), call('DeleteItem')]);
  });
});

describe('held locally: our own catalogue shows an available copy', () => {
  const held = { state: 'new' as const, lifecycle: { serviceType: 'Loan' as const, rota: ROTA, heldLocally: true } };

  it('waits for staff once the patron is validated, before any lender is asked', () => {
    expect(decideRequester(held, { type: 'validate' }, ctx)).toEqual({ state: 'local_review', changes: {}, effects: [], note: 'patron validated; held locally: our own catalogue shows an available copy' });
  });

  it('ends without asking anyone when staff fill it from the shelf, and the patron hears so', () => {
    const filled = run(run(held, { type: 'validate' }), staff('fill_locally', 'copy at the circulation desk'));
    expect(filled.state).toBe('filled_locally');
    expect(decideRequester(run(held, { type: 'validate' }), staff('fill_locally'), ctx)).toEqual({ state: 'filled_locally', changes: {}, effects: [notice('filled_locally')], note: 'filled locally from our own collection' });
  });

  it('goes out to the lenders after all when staff send it (the copy is missing from the shelf)', () => {
    expect(decideRequester(run(held, { type: 'validate' }), staff('send'), ctx)).toMatchObject({ state: 'sent_to_supplier', changes: { rotaIndex: 0 }, effects: [request(0), timer(0)] });
  });

  it('cannot be sent when there is nobody to send it to, unless staff name the lenders', () => {
    const noRota = { state: 'local_review' as const, lifecycle: { serviceType: 'Loan' as const, heldLocally: true } };
    expect(() => decideRequester(noRota, staff('send'), ctx)).toThrow('the request has no supplier to send to');
    expect(decideRequester(noRota, { type: 'staff', action: 'send', rota: ROTA }, ctx).state).toBe('sent_to_supplier');
  });

  it('refuses a lender’s message: no lender has the request', () => {
    expect(() => decideRequester({ state: 'filled_locally', lifecycle: held.lifecycle }, sam('StatusChange', 'Loaned', { dueDate: DUE }), ctx)).toThrow(/no request has been sent/);
  });
});
