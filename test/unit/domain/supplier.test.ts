/**
 * The lending (supplier) machine, table-driven: every legal (state, event) pair with its new
 * state, lifecycle changes and effects; every other pair must throw IllegalTransition.
 * The request in each state is the fixture `AT[state]` (CopyOrLoan before shipping, then a Loan).
 */
import { decideSupplier, isNoChange, SUPPLIER_STAFF_ACTIONS, SUPPLIER_STATE_NAMES, SUPPLIER_STATES, supplierActions } from '../../../src/domain/supplier';
import type { SupplierState } from '../../../src/domain/supplier';
import { IllegalTransition } from '../../../src/domain/types';
import type { Effect, Lifecycle } from '../../../src/domain/types';
import { AT, call, ctx, DUE, EVENTS, NEW_DUE, sam } from './supplier-fixtures';

type Row = [SupplierState, string, SupplierState, Partial<Lifecycle>, Effect[]];

/** Every legal pair that changes something or answers the requester. */
const MOVES: Row[] = [
  // received
  ['received', 'validate', 'validated', {}, []],
  ['received', 'validation_failed', 'unfilled', { lastStatus: 'Unfilled', reason: 'not lent to this requester' }, [sam({ reasonForMessage: 'RequestResponse', status: 'Unfilled', note: 'not lent to this requester' })]],
  ['received', 'StatusRequest', 'received', {}, [sam({ reasonForMessage: 'StatusRequestResponse', status: 'RequestReceived' })]],
  ['received', 'Cancel', 'cancel_requested', { resumeState: 'received' }, []],
  ['received', 'staff will_supply', 'will_supply', { lastStatus: 'WillSupply' }, [sam({ reasonForMessage: 'RequestResponse', status: 'WillSupply' })]],
  ['received', 'staff add_conditions', 'conditional', { lastStatus: 'WillSupply', loanConditions: ['LibraryUseOnly'] }, [sam({ reasonForMessage: 'RequestResponse', status: 'WillSupply', loanConditions: ['LibraryUseOnly'] })]],
  ['received', 'staff cannot_supply', 'unfilled', { lastStatus: 'Unfilled', reason: 'NotHeld' }, [sam({ reasonForMessage: 'RequestResponse', status: 'Unfilled', reasonUnfilled: 'NotHeld' })]],
  ['received', 'staff offer_retry', 'retry_offered', { lastStatus: 'RetryPossible', retryOffer: { reason: 'OnLoan', retryBefore: '2026-09-20T00:00:00Z', at: '2026-09-01T10:00:00.000Z' }, pendingNote: undefined }, [sam({ reasonForMessage: 'RequestResponse', status: 'RetryPossible', reasonRetry: 'OnLoan', retryBefore: '2026-09-20T00:00:00Z' })]],
  ['received', 'staff ship', 'shipped', { lastStatus: 'Loaned', dueDate: DUE }, [call('CheckOutItem'), sam({ reasonForMessage: 'RequestResponse', status: 'Loaned', dueDate: DUE, delivered: true })]],
  ['received', 'staff supply_copy', 'complete', { lastStatus: 'CopyCompleted' }, [sam({ reasonForMessage: 'RequestResponse', status: 'CopyCompleted', delivered: true })]],
  // validated
  ['validated', 'StatusRequest', 'validated', {}, [sam({ reasonForMessage: 'StatusRequestResponse', status: 'RequestReceived' })]],
  ['validated', 'Cancel', 'cancel_requested', { resumeState: 'validated' }, []],
  ['validated', 'staff will_supply', 'will_supply', { lastStatus: 'WillSupply' }, [sam({ reasonForMessage: 'RequestResponse', status: 'WillSupply' })]],
  ['validated', 'staff add_conditions', 'conditional', { lastStatus: 'WillSupply', loanConditions: ['LibraryUseOnly'] }, [sam({ reasonForMessage: 'RequestResponse', status: 'WillSupply', loanConditions: ['LibraryUseOnly'] })]],
  ['validated', 'staff cannot_supply', 'unfilled', { lastStatus: 'Unfilled', reason: 'NotHeld' }, [sam({ reasonForMessage: 'RequestResponse', status: 'Unfilled', reasonUnfilled: 'NotHeld' })]],
  ['validated', 'staff offer_retry', 'retry_offered', { lastStatus: 'RetryPossible', retryOffer: { reason: 'OnLoan', retryBefore: '2026-09-20T00:00:00Z', at: '2026-09-01T10:00:00.000Z' }, pendingNote: undefined }, [sam({ reasonForMessage: 'RequestResponse', status: 'RetryPossible', reasonRetry: 'OnLoan', retryBefore: '2026-09-20T00:00:00Z' })]],
  ['validated', 'staff ship', 'shipped', { lastStatus: 'Loaned', dueDate: DUE }, [call('CheckOutItem'), sam({ reasonForMessage: 'RequestResponse', status: 'Loaned', dueDate: DUE, delivered: true })]],
  ['validated', 'staff supply_copy', 'complete', { lastStatus: 'CopyCompleted' }, [sam({ reasonForMessage: 'RequestResponse', status: 'CopyCompleted', delivered: true })]],
  // will supply
  ['will_supply', 'StatusRequest', 'will_supply', {}, [sam({ reasonForMessage: 'StatusRequestResponse', status: 'WillSupply' })]],
  ['will_supply', 'Cancel', 'cancel_requested', { resumeState: 'will_supply' }, []],
  ['will_supply', 'staff add_conditions', 'conditional', { lastStatus: 'WillSupply', loanConditions: ['LibraryUseOnly'] }, [sam({ reasonForMessage: 'StatusChange', status: 'WillSupply', loanConditions: ['LibraryUseOnly'] })]],
  ['will_supply', 'staff cannot_supply', 'unfilled', { lastStatus: 'Unfilled', reason: 'NotHeld' }, [sam({ reasonForMessage: 'StatusChange', status: 'Unfilled', reasonUnfilled: 'NotHeld' })]],
  ['will_supply', 'staff offer_retry', 'retry_offered', { lastStatus: 'RetryPossible', retryOffer: { reason: 'OnLoan', retryBefore: '2026-09-20T00:00:00Z', at: '2026-09-01T10:00:00.000Z' }, pendingNote: undefined }, [sam({ reasonForMessage: 'StatusChange', status: 'RetryPossible', reasonRetry: 'OnLoan', retryBefore: '2026-09-20T00:00:00Z' })]],
  ['will_supply', 'staff mark_picked', 'awaiting_shipping', {}, []],
  ['will_supply', 'staff ship', 'shipped', { lastStatus: 'Loaned', dueDate: DUE }, [call('CheckOutItem'), sam({ reasonForMessage: 'StatusChange', status: 'Loaned', dueDate: DUE, delivered: true })]],
  ['will_supply', 'staff supply_copy', 'complete', { lastStatus: 'CopyCompleted' }, [sam({ reasonForMessage: 'StatusChange', status: 'CopyCompleted', delivered: true })]],
  // awaiting shipping
  ['awaiting_shipping', 'StatusRequest', 'awaiting_shipping', {}, [sam({ reasonForMessage: 'StatusRequestResponse', status: 'WillSupply' })]],
  ['awaiting_shipping', 'Cancel', 'cancel_requested', { resumeState: 'awaiting_shipping' }, []],
  ['awaiting_shipping', 'staff cannot_supply', 'unfilled', { lastStatus: 'Unfilled', reason: 'NotHeld' }, [sam({ reasonForMessage: 'StatusChange', status: 'Unfilled', reasonUnfilled: 'NotHeld' })]],
  ['awaiting_shipping', 'staff offer_retry', 'retry_offered', { lastStatus: 'RetryPossible', retryOffer: { reason: 'OnLoan', retryBefore: '2026-09-20T00:00:00Z', at: '2026-09-01T10:00:00.000Z' }, pendingNote: undefined }, [sam({ reasonForMessage: 'StatusChange', status: 'RetryPossible', reasonRetry: 'OnLoan', retryBefore: '2026-09-20T00:00:00Z' })]],
  ['awaiting_shipping', 'staff ship', 'shipped', { lastStatus: 'Loaned', dueDate: DUE }, [call('CheckOutItem'), sam({ reasonForMessage: 'StatusChange', status: 'Loaned', dueDate: DUE, delivered: true })]],
  ['awaiting_shipping', 'staff supply_copy', 'complete', { lastStatus: 'CopyCompleted' }, [sam({ reasonForMessage: 'StatusChange', status: 'CopyCompleted', delivered: true })]],
  // conditional
  ['conditional', 'StatusRequest', 'conditional', {}, [sam({ reasonForMessage: 'StatusRequestResponse', status: 'WillSupply' })]],
  ['conditional', 'Cancel', 'cancel_requested', { resumeState: 'conditional' }, []],
  ['conditional', 'Notification agreeing to the conditions', 'will_supply', {}, []],
  ['conditional', 'staff cannot_supply', 'unfilled', { lastStatus: 'Unfilled', reason: 'NotHeld' }, [sam({ reasonForMessage: 'StatusChange', status: 'Unfilled', reasonUnfilled: 'NotHeld' })]],
  ['conditional', 'staff offer_retry', 'retry_offered', { lastStatus: 'RetryPossible', retryOffer: { reason: 'OnLoan', retryBefore: '2026-09-20T00:00:00Z', at: '2026-09-01T10:00:00.000Z' }, pendingNote: undefined }, [sam({ reasonForMessage: 'StatusChange', status: 'RetryPossible', reasonRetry: 'OnLoan', retryBefore: '2026-09-20T00:00:00Z' })]],
  ['conditional', 'staff mark_picked', 'awaiting_shipping', {}, []],
  ['conditional', 'staff ship', 'shipped', { lastStatus: 'Loaned', dueDate: DUE }, [call('CheckOutItem'), sam({ reasonForMessage: 'StatusChange', status: 'Loaned', dueDate: DUE, loanConditions: ['LibraryUseOnly'], delivered: true })]],
  ['conditional', 'staff supply_copy', 'complete', { lastStatus: 'CopyCompleted' }, [sam({ reasonForMessage: 'StatusChange', status: 'CopyCompleted', delivered: true })]],
  // cancel requested
  ['cancel_requested', 'StatusRequest', 'cancel_requested', {}, [sam({ reasonForMessage: 'StatusRequestResponse', status: 'WillSupply' })]],
  ['cancel_requested', 'staff accept_cancel', 'cancelled', { resumeState: undefined, lastStatus: 'Cancelled' }, [sam({ reasonForMessage: 'CancelResponse', status: 'Cancelled', answerYesNo: 'Y' })]],
  ['cancel_requested', 'staff refuse_cancel', 'will_supply', { resumeState: undefined }, [sam({ reasonForMessage: 'CancelResponse', status: 'WillSupply', answerYesNo: 'N' })]],
  // shipped
  ['shipped', 'StatusRequest', 'shipped', {}, [sam({ reasonForMessage: 'StatusRequestResponse', status: 'Loaned', dueDate: DUE })]],
  ['shipped', 'Cancel', 'shipped', {}, [sam({ reasonForMessage: 'CancelResponse', status: 'Loaned', answerYesNo: 'N', note: 'the item has already been shipped' })]],
  ['shipped', 'Renew', 'renew_requested', { resumeState: 'shipped' }, []],
  ['shipped', 'ShippedReturn', 'returned_by_borrower', {}, []],
  ['shipped', 'staff mark_overdue', 'overdue', { lastStatus: 'Overdue' }, [sam({ reasonForMessage: 'StatusChange', status: 'Overdue', dueDate: DUE })]],
  ['shipped', 'staff recall', 'recalled', { lastStatus: 'Recalled' }, [sam({ reasonForMessage: 'StatusChange', status: 'Recalled', dueDate: DUE })]],
  ['shipped', 'staff check_in', 'checked_in', {}, [call('CheckInItem')]],
  // overdue
  ['overdue', 'StatusRequest', 'overdue', {}, [sam({ reasonForMessage: 'StatusRequestResponse', status: 'Overdue', dueDate: DUE })]],
  ['overdue', 'Cancel', 'overdue', {}, [sam({ reasonForMessage: 'CancelResponse', status: 'Overdue', answerYesNo: 'N', note: 'the item has already been shipped' })]],
  ['overdue', 'Renew', 'renew_requested', { resumeState: 'overdue' }, []],
  ['overdue', 'ShippedReturn', 'returned_by_borrower', {}, []],
  ['overdue', 'staff recall', 'recalled', { lastStatus: 'Recalled' }, [sam({ reasonForMessage: 'StatusChange', status: 'Recalled', dueDate: DUE })]],
  ['overdue', 'staff check_in', 'checked_in', {}, [call('CheckInItem')]],
  // recalled
  ['recalled', 'StatusRequest', 'recalled', {}, [sam({ reasonForMessage: 'StatusRequestResponse', status: 'Recalled', dueDate: DUE })]],
  ['recalled', 'Cancel', 'recalled', {}, [sam({ reasonForMessage: 'CancelResponse', status: 'Recalled', answerYesNo: 'N', note: 'the item has already been shipped' })]],
  ['recalled', 'Renew', 'recalled', {}, [sam({ reasonForMessage: 'RenewResponse', status: 'Recalled', answerYesNo: 'N', dueDate: DUE, note: 'the item has been recalled' })]],
  ['recalled', 'ShippedReturn', 'returned_by_borrower', {}, []],
  ['recalled', 'staff check_in', 'checked_in', {}, [call('CheckInItem')]],
  // renew requested
  ['renew_requested', 'StatusRequest', 'renew_requested', {}, [sam({ reasonForMessage: 'StatusRequestResponse', status: 'Loaned', dueDate: DUE })]],
  ['renew_requested', 'Cancel', 'renew_requested', {}, [sam({ reasonForMessage: 'CancelResponse', status: 'Loaned', answerYesNo: 'N', note: 'the item has already been shipped' })]],
  ['renew_requested', 'ShippedReturn', 'returned_by_borrower', { resumeState: undefined }, []],
  ['renew_requested', 'staff approve_renewal', 'shipped', { resumeState: undefined, lastStatus: 'Loaned', dueDate: NEW_DUE, renewals: 1 }, [sam({ reasonForMessage: 'RenewResponse', status: 'Loaned', answerYesNo: 'Y', dueDate: NEW_DUE })]],
  ['renew_requested', 'staff refuse_renewal', 'shipped', { resumeState: undefined }, [sam({ reasonForMessage: 'RenewResponse', status: 'Loaned', answerYesNo: 'N', dueDate: DUE })]],
  // returned by borrower
  ['returned_by_borrower', 'StatusRequest', 'returned_by_borrower', {}, [sam({ reasonForMessage: 'StatusRequestResponse', status: 'Loaned', dueDate: DUE })]],
  ['returned_by_borrower', 'staff check_in', 'checked_in', {}, [call('CheckInItem')]],
  // shipping (the ILS checkout first, then Loaned)
  ['shipping', 'StatusRequest', 'shipping', {}, [sam({ reasonForMessage: 'StatusRequestResponse', status: 'WillSupply', dueDate: DUE })]],
  ['shipping', 'Cancel', 'shipping', {}, [sam({ reasonForMessage: 'CancelResponse', status: 'WillSupply', answerYesNo: 'N', note: 'the item is being shipped' })]],
  ['shipping', 'staff cannot_supply', 'unfilled', { lastStatus: 'Unfilled', reason: 'NotHeld' }, [sam({ reasonForMessage: 'StatusChange', status: 'Unfilled', reasonUnfilled: 'NotHeld' })]],
  ['shipping', 'staff offer_retry', 'retry_offered', { lastStatus: 'RetryPossible', retryOffer: { reason: 'OnLoan', retryBefore: '2026-09-20T00:00:00Z', at: '2026-09-01T10:00:00.000Z' }, pendingNote: undefined }, [sam({ reasonForMessage: 'StatusChange', status: 'RetryPossible', reasonRetry: 'OnLoan', retryBefore: '2026-09-20T00:00:00Z' })]],
  ['shipping', 'ils_checked_out', 'shipped', { lastStatus: 'Loaned', dueDate: NEW_DUE, pendingNote: undefined }, [sam({ reasonForMessage: 'StatusChange', status: 'Loaned', dueDate: NEW_DUE, delivered: true })]],
  // checked in
  ['checked_in', 'StatusRequest', 'checked_in', {}, [sam({ reasonForMessage: 'StatusRequestResponse', status: 'Loaned', dueDate: DUE })]],
  ['checked_in', 'staff complete', 'complete', { lastStatus: 'LoanCompleted' }, [sam({ reasonForMessage: 'StatusChange', status: 'LoanCompleted' })]],
  // complete
  ['complete', 'StatusRequest', 'complete', {}, [sam({ reasonForMessage: 'StatusRequestResponse', status: 'LoanCompleted', dueDate: DUE })]],
  // unfilled
  ['unfilled', 'StatusRequest', 'unfilled', {}, [sam({ reasonForMessage: 'StatusRequestResponse', status: 'Unfilled' })]],
  // retry offered: the transaction ended with our offer
  ['retry_offered', 'StatusRequest', 'retry_offered', {}, [sam({ reasonForMessage: 'StatusRequestResponse', status: 'RetryPossible', reasonRetry: 'OnLoan', retryBefore: '2026-09-20T00:00:00Z' })]],
  // cancelled
  ['cancelled', 'StatusRequest', 'cancelled', {}, [sam({ reasonForMessage: 'StatusRequestResponse', status: 'Cancelled' })]],
];

// Accepted, and nothing changes: notes, repeated requests, late news of the item.
const NOTES = ['Notification', 'Notification agreeing to the conditions'];
const ITEM_OUT = ['Received', ...NOTES];
const ITEM_BACK = ['Received', 'ShippedReturn', ...NOTES];

const NOTHING_CHANGES: Record<SupplierState, string[]> = {
  received: NOTES,
  validated: NOTES,
  will_supply: NOTES,
  awaiting_shipping: NOTES,
  conditional: ['Notification'],
  cancel_requested: ['Cancel', ...NOTES],
  shipping: NOTES,
  shipped: ITEM_OUT,
  overdue: ITEM_OUT,
  recalled: ITEM_OUT,
  renew_requested: ['Renew', ...ITEM_OUT],
  returned_by_borrower: ITEM_BACK,
  checked_in: ITEM_BACK,
  complete: ITEM_BACK,
  unfilled: NOTES,
  cancelled: ['Cancel', ...NOTES],
  retry_offered: ['Cancel', ...NOTES],
};

const decide = (state: SupplierState, event: string) => {
  const ev = EVENTS[event];
  if (!ev) throw new Error(`no event ${event} in the catalog`);
  return decideSupplier({ state, lifecycle: AT[state] }, ev, ctx);
};

const legal = new Set([...MOVES.map(([s, e]) => `${s} | ${e}`), ...SUPPLIER_STATE_NAMES.flatMap((s) => NOTHING_CHANGES[s].map((e) => `${s} | ${e}`))]);
const illegalPairs = SUPPLIER_STATE_NAMES.flatMap((s) => Object.keys(EVENTS).map((e) => [s, e] as const)).filter(([s, e]) => !legal.has(`${s} | ${e}`));
const fromRequester = (event: string): boolean => EVENTS[event]?.type === 'requester_message';

describe('supplier machine: every transition', () => {
  it.each(MOVES)('%s + %s -> %s', (state, event, next, changes, effects) => {
    const d = decide(state, event);
    expect(d.state).toBe(next);
    expect(d.changes).toStrictEqual(changes);
    expect(d.effects).toStrictEqual(effects);
  });

  it.each(SUPPLIER_STATE_NAMES.flatMap((s) => NOTHING_CHANGES[s].map((e) => [s, e] as const)))('%s accepts %s and changes nothing', (state, event) => {
    expect(isNoChange({ state }, decide(state, event))).toBe(true);
  });

  it.each(illegalPairs)('%s refuses %s with a typed IllegalTransition', (state, event) => {
    let error: unknown;
    try {
      decide(state, event);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IllegalTransition);
    // a partner's message is answered with UnsupportedActionType; staff and internal events carry none
    expect((error as IllegalTransition).protocolError).toBe(fromRequester(event) ? 'UnsupportedActionType' : undefined);
  });

  it('lists each pair once, and every event of the catalog is legal somewhere', () => {
    expect(new Set(MOVES.map(([s, e]) => `${s} | ${e}`)).size).toBe(MOVES.length);
    for (const s of SUPPLIER_STATE_NAMES) for (const e of NOTHING_CHANGES[s]) expect(MOVES.some(([ms, me]) => ms === s && me === e)).toBe(false);
    for (const e of Object.keys(EVENTS).filter((n) => n !== 'ShippedForward')) expect([...legal].some((p) => p.endsWith(` | ${e}`))).toBe(true);
  });
});

describe('supplier staff actions', () => {
  it.each(SUPPLIER_STATE_NAMES)('%s offers exactly the staff actions it accepts', (state) => {
    const accepted = SUPPLIER_STAFF_ACTIONS.filter((a) => legal.has(`${state} | staff ${a}`));
    expect(supplierActions(state, AT[state])).toEqual(accepted);
  });

  it.each(SUPPLIER_STATE_NAMES.filter((s) => SUPPLIER_STATES[s].terminal))('%s is terminal and offers nothing', (state) => {
    expect(supplierActions(state, AT[state])).toEqual([]);
  });

  it.each(SUPPLIER_STATE_NAMES.filter((s) => !SUPPLIER_STATES[s].terminal))('%s always offers staff a way forward', (state) => {
    expect(supplierActions(state, AT[state]).length).toBeGreaterThan(0);
  });
});
