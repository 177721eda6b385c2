/**
 * The borrowing (requester) machine, table-driven: every legal (state, event) pair with its new
 * state, lifecycle changes and effects; every other pair must throw IllegalTransition.
 * The request in each state is the fixture `AT[state]` (first of two suppliers, a Loan).
 */
import { decideRequester, isNoChange, REQUESTER_STATE_NAMES, REQUESTER_STATES, REQUESTER_STAFF_ACTIONS, requesterActions } from '../../../src/domain/requester';
import type { RequesterState } from '../../../src/domain/requester';
import { IllegalTransition } from '../../../src/domain/types';
import type { Effect, Lifecycle } from '../../../src/domain/types';
import { AT, C, call, ctx, DUE, EVENTS, NEW_DUE, notice, ram, request, retryRequest, ROTA, skipped, timer, withdraw } from './requester-fixtures';

type Row = [RequesterState, string, RequesterState, Partial<Lifecycle>, Effect[]];

/** Every legal pair that changes something. */
const MOVES: Row[] = [
  // new
  ['new', 'validate', 'sent_to_supplier', { rotaIndex: 0 }, [request(0), timer(0)]],
  ['new', 'validation_failed', 'error', { reason: 'patron blocked' }, []],
  ['new', 'staff cancel', 'cancelled', {}, [notice('cancelled')]],
  ['new', 'staff close_manually', 'closed', {}, []],
  // The patron is request data (the service changes it); the LookupUser waiting checks the corrected one.
  ['new', 'staff edit_patron', 'new', {}, []],
  // validated
  ['validated', 'staff send', 'sent_to_supplier', { rota: ROTA, rotaIndex: 0 }, [request(0), timer(0)]],
  ['validated', 'staff cancel', 'cancelled', {}, [notice('cancelled')]],
  ['validated', 'staff close_manually', 'closed', {}, []],
  // Without an ILS checking patrons the request stays validated (with one: back to new, requester-behaviour.test.ts).
  ['validated', 'staff edit_patron', 'validated', {}, []],
  // local review: our own catalogue shows an available copy
  ['local_review', 'staff fill_locally', 'filled_locally', {}, [notice('filled_locally')]],
  ['local_review', 'staff send', 'sent_to_supplier', { rota: ROTA, rotaIndex: 0 }, [request(0), timer(0)]],
  ['local_review', 'staff cancel', 'cancelled', {}, [notice('cancelled')]],
  ['local_review', 'staff close_manually', 'closed', {}, []],
  ['local_review', 'staff edit_patron', 'local_review', {}, []],
  // error
  ['error', 'staff retry', 'new', { reason: undefined, reasonCategory: undefined }, []],
  ['error', 'staff edit_patron', 'error', {}, []],
  ['error', 'staff cancel', 'cancelled', {}, [notice('cancelled')]],
  ['error', 'staff close_manually', 'closed', {}, []],
  // sent to supplier
  ['sent_to_supplier', 'request_refused', 'sent_to_supplier', { lastStatus: undefined, loanConditions: undefined, dueDate: undefined, resumeState: undefined, rotaIndex: 1 }, [request(1), timer(1)]],
  ['sent_to_supplier', 'supplier_timeout', 'sent_to_supplier', { lastStatus: undefined, loanConditions: undefined, dueDate: undefined, resumeState: undefined, rotaIndex: 1 }, [withdraw(0), request(1), timer(1)]],
  ['sent_to_supplier', 'StatusChange RequestReceived', 'sent_to_supplier', { lastStatus: 'RequestReceived' }, []],
  ['sent_to_supplier', 'StatusChange ExpectToSupply', 'expect_to_supply', { lastStatus: 'ExpectToSupply' }, []],
  ['sent_to_supplier', 'StatusChange WillSupply', 'will_supply', { lastStatus: 'WillSupply' }, []],
  ['sent_to_supplier', 'StatusChange Loaned', 'shipped', { lastStatus: 'Loaned', dueDate: DUE }, [notice('shipped')]],
  ['sent_to_supplier', 'StatusChange RetryPossible', 'retry_offered', { lastStatus: 'RetryPossible', retryOffer: { reason: 'not given', supplier: 'ISIL:DK-A', at: '2026-09-01T10:00:00.000Z' } }, []],
  ['sent_to_supplier', 'StatusChange Unfilled', 'sent_to_supplier', { lastStatus: undefined, loanConditions: undefined, dueDate: undefined, resumeState: undefined, rotaIndex: 1 }, [request(1), timer(1)]],
  ['sent_to_supplier', 'StatusChange Cancelled', 'cancelled', { lastStatus: 'Cancelled', reason: 'cancelled by the supplier' }, [notice('cancelled')]],
  ['sent_to_supplier', 'StatusChange WillSupply with conditions', 'conditional', { lastStatus: 'WillSupply', loanConditions: ['LibraryUseOnly'] }, []],
  ['sent_to_supplier', 'StatusChange Loaned with a new due date', 'shipped', { lastStatus: 'Loaned', dueDate: NEW_DUE }, [notice('shipped')]],
  ['sent_to_supplier', 'staff cancel', 'cancel_pending', { resumeState: 'sent_to_supplier' }, [ram('Cancel')]],
  ['sent_to_supplier', 'staff skip_supplier', 'sent_to_supplier', { lastStatus: undefined, loanConditions: undefined, dueDate: undefined, resumeState: undefined, rotaIndex: 1 }, [skipped(0), request(1), timer(1)]],
  ['sent_to_supplier', 'staff reroute', 'sent_to_supplier', { lastStatus: undefined, loanConditions: undefined, dueDate: undefined, resumeState: undefined, rota: [ROTA[0]!, C], rotaIndex: 1 }, [skipped(0), request(1), timer(1)]],
  ['sent_to_supplier', 'staff close_manually', 'closed', {}, []],
  // expect to supply
  ['expect_to_supply', 'StatusChange WillSupply', 'will_supply', { lastStatus: 'WillSupply' }, []],
  ['expect_to_supply', 'StatusChange Loaned', 'shipped', { lastStatus: 'Loaned', dueDate: DUE }, [notice('shipped')]],
  ['expect_to_supply', 'StatusChange RetryPossible', 'retry_offered', { lastStatus: 'RetryPossible', retryOffer: { reason: 'not given', supplier: 'ISIL:DK-A', at: '2026-09-01T10:00:00.000Z' } }, []],
  ['expect_to_supply', 'StatusChange Unfilled', 'sent_to_supplier', { lastStatus: undefined, loanConditions: undefined, dueDate: undefined, resumeState: undefined, rotaIndex: 1 }, [request(1), timer(1)]],
  ['expect_to_supply', 'StatusChange Cancelled', 'cancelled', { lastStatus: 'Cancelled', reason: 'cancelled by the supplier' }, [notice('cancelled')]],
  ['expect_to_supply', 'StatusChange WillSupply with conditions', 'conditional', { lastStatus: 'WillSupply', loanConditions: ['LibraryUseOnly'] }, []],
  ['expect_to_supply', 'StatusChange Loaned with a new due date', 'shipped', { lastStatus: 'Loaned', dueDate: NEW_DUE }, [notice('shipped')]],
  ['expect_to_supply', 'Notification Unfilled', 'sent_to_supplier', { lastStatus: undefined, loanConditions: undefined }, []],
  ['expect_to_supply', 'staff cancel', 'cancel_pending', { resumeState: 'expect_to_supply' }, [ram('Cancel')]],
  ['expect_to_supply', 'staff skip_supplier', 'sent_to_supplier', { lastStatus: undefined, loanConditions: undefined, dueDate: undefined, resumeState: undefined, rotaIndex: 1 }, [skipped(0), request(1), timer(1)]],
  ['expect_to_supply', 'staff reroute', 'sent_to_supplier', { lastStatus: undefined, loanConditions: undefined, dueDate: undefined, resumeState: undefined, rota: [ROTA[0]!, C], rotaIndex: 1 }, [skipped(0), request(1), timer(1)]],
  ['expect_to_supply', 'staff close_manually', 'closed', {}, []],
  // will supply
  ['will_supply', 'StatusChange Loaned', 'shipped', { lastStatus: 'Loaned', dueDate: DUE }, [notice('shipped')]],
  ['will_supply', 'StatusChange RetryPossible', 'retry_offered', { lastStatus: 'RetryPossible', retryOffer: { reason: 'not given', supplier: 'ISIL:DK-A', at: '2026-09-01T10:00:00.000Z' } }, []],
  ['will_supply', 'StatusChange Unfilled', 'sent_to_supplier', { lastStatus: undefined, loanConditions: undefined, dueDate: undefined, resumeState: undefined, rotaIndex: 1 }, [request(1), timer(1)]],
  ['will_supply', 'StatusChange Cancelled', 'cancelled', { lastStatus: 'Cancelled', reason: 'cancelled by the supplier' }, [notice('cancelled')]],
  ['will_supply', 'StatusChange WillSupply with conditions', 'conditional', { lastStatus: 'WillSupply', loanConditions: ['LibraryUseOnly'] }, []],
  ['will_supply', 'StatusChange Loaned with a new due date', 'shipped', { lastStatus: 'Loaned', dueDate: NEW_DUE }, [notice('shipped')]],
  ['will_supply', 'Notification Unfilled', 'sent_to_supplier', { lastStatus: undefined, loanConditions: undefined }, []],
  ['will_supply', 'staff cancel', 'cancel_pending', { resumeState: 'will_supply' }, [ram('Cancel')]],
  ['will_supply', 'staff skip_supplier', 'sent_to_supplier', { lastStatus: undefined, loanConditions: undefined, dueDate: undefined, resumeState: undefined, rotaIndex: 1 }, [skipped(0), request(1), timer(1)]],
  ['will_supply', 'staff reroute', 'sent_to_supplier', { lastStatus: undefined, loanConditions: undefined, dueDate: undefined, resumeState: undefined, rota: [ROTA[0]!, C], rotaIndex: 1 }, [skipped(0), request(1), timer(1)]],
  ['will_supply', 'staff close_manually', 'closed', {}, []],
  // conditional
  ['conditional', 'StatusChange Loaned', 'shipped', { lastStatus: 'Loaned', dueDate: DUE }, [notice('shipped')]],
  ['conditional', 'StatusChange RetryPossible', 'retry_offered', { lastStatus: 'RetryPossible', retryOffer: { reason: 'not given', supplier: 'ISIL:DK-A', at: '2026-09-01T10:00:00.000Z' } }, []],
  ['conditional', 'StatusChange Unfilled', 'sent_to_supplier', { lastStatus: undefined, loanConditions: undefined, dueDate: undefined, resumeState: undefined, rotaIndex: 1 }, [request(1), timer(1)]],
  ['conditional', 'StatusChange Cancelled', 'cancelled', { lastStatus: 'Cancelled', reason: 'cancelled by the supplier' }, [notice('cancelled')]],
  ['conditional', 'StatusChange Loaned with a new due date', 'shipped', { lastStatus: 'Loaned', dueDate: NEW_DUE }, [notice('shipped')]],
  ['conditional', 'Notification Unfilled', 'sent_to_supplier', { lastStatus: undefined, loanConditions: undefined }, []],
  ['conditional', 'staff accept_conditions', 'will_supply', {}, [ram('Notification', 'Loan conditions agreed')]],
  ['conditional', 'staff reject_conditions', 'cancel_pending', { resumeState: 'conditional' }, [ram('Cancel', 'Loan conditions rejected')]],
  ['conditional', 'staff skip_supplier', 'sent_to_supplier', { lastStatus: undefined, loanConditions: undefined, dueDate: undefined, resumeState: undefined, rotaIndex: 1 }, [skipped(0), request(1), timer(1)]],
  ['conditional', 'staff reroute', 'sent_to_supplier', { lastStatus: undefined, loanConditions: undefined, dueDate: undefined, resumeState: undefined, rota: [ROTA[0]!, C], rotaIndex: 1 }, [skipped(0), request(1), timer(1)]],
  ['conditional', 'staff close_manually', 'closed', {}, []],
  // cancel pending
  ['cancel_pending', 'StatusChange Loaned', 'shipped', { resumeState: undefined, lastStatus: 'Loaned', dueDate: DUE }, [notice('shipped')]],
  ['cancel_pending', 'StatusChange RetryPossible', 'cancelled', { resumeState: undefined, lastStatus: 'RetryPossible' }, [notice('cancelled')]],
  ['cancel_pending', 'StatusChange Unfilled', 'cancelled', { resumeState: undefined, lastStatus: 'Unfilled' }, [notice('cancelled')]],
  ['cancel_pending', 'StatusChange Cancelled', 'cancelled', { resumeState: undefined, lastStatus: 'Cancelled' }, [notice('cancelled')]],
  ['cancel_pending', 'StatusChange WillSupply with conditions', 'cancel_pending', { lastStatus: 'WillSupply', loanConditions: ['LibraryUseOnly'], resumeState: 'conditional' }, []],
  ['cancel_pending', 'StatusChange Loaned with a new due date', 'shipped', { resumeState: undefined, lastStatus: 'Loaned', dueDate: NEW_DUE }, [notice('shipped')]],
  ['cancel_pending', 'CancelResponse Y', 'cancelled', { resumeState: undefined, lastStatus: 'Cancelled' }, [notice('cancelled')]],
  ['cancel_pending', 'CancelResponse N', 'will_supply', { resumeState: undefined }, []],
  ['cancel_pending', 'staff close_manually', 'closed', {}, []],
  // retry offered (directly): staff take the offer up, decline it, or give up
  ['retry_offered', 'staff accept_retry', 'sent_to_supplier', { retryOffer: undefined, retryAt: undefined, pendingNote: undefined, earlierRequestIds: ['REQ-1'], lastStatus: undefined, loanConditions: undefined }, [retryRequest(0, 'REQ-1'), timer(0)]],
  ['retry_offered', 'staff decline_retry', 'sent_to_supplier', { retryOffer: undefined, retryAt: undefined, pendingNote: undefined, lastStatus: undefined, loanConditions: undefined, dueDate: undefined, resumeState: undefined, rotaIndex: 1 }, [request(1), timer(1)]],
  ['retry_offered', 'staff cancel', 'cancelled', { retryAt: undefined }, [notice('cancelled')]],
  ['retry_offered', 'staff close_manually', 'closed', {}, []],
  // retry scheduled: staff accepted, the retry waits for the offer's retryAfter
  ['retry_scheduled', 'staff decline_retry', 'sent_to_supplier', { retryOffer: undefined, retryAt: undefined, pendingNote: undefined, lastStatus: undefined, loanConditions: undefined, dueDate: undefined, resumeState: undefined, rotaIndex: 1 }, [request(1), timer(1)]],
  ['retry_scheduled', 'staff cancel', 'cancelled', { retryAt: undefined }, [notice('cancelled')]],
  ['retry_scheduled', 'staff close_manually', 'closed', {}, []],
  // shipped
  ['shipped', 'StatusChange Overdue', 'overdue', { resumeState: 'shipped', lastStatus: 'Overdue' }, [notice('overdue')]],
  ['shipped', 'StatusChange Recalled', 'recalled', { resumeState: 'shipped', lastStatus: 'Recalled' }, [notice('recalled')]],
  ['shipped', 'StatusChange CompletedWithoutReturn', 'complete', { lastStatus: 'CompletedWithoutReturn' }, []],
  ['shipped', 'StatusChange Loaned with a new due date', 'shipped', { dueDate: NEW_DUE }, []],
  ['shipped', 'RenewResponse Y', 'shipped', { dueDate: NEW_DUE }, []],
  ['shipped', 'staff mark_received', 'received', {}, [ram('Received'), call('AcceptItem'), notice('ready_for_pickup')]],
  ['shipped', 'staff close_manually', 'closed', {}, []],
  // received
  ['received', 'StatusChange Overdue', 'overdue', { resumeState: 'received', lastStatus: 'Overdue' }, [notice('overdue')]],
  ['received', 'StatusChange Recalled', 'recalled', { resumeState: 'received', lastStatus: 'Recalled' }, [notice('recalled')]],
  ['received', 'StatusChange CompletedWithoutReturn', 'complete', { lastStatus: 'CompletedWithoutReturn' }, []],
  ['received', 'StatusChange Loaned with a new due date', 'received', { dueDate: NEW_DUE }, []],
  ['received', 'RenewResponse Y', 'received', { dueDate: NEW_DUE }, []],
  ['received', 'staff check_out', 'checked_out', {}, []],
  ['received', 'staff ship_return', 'shipped_return', {}, [ram('ShippedReturn'), call('CancelRequestItem'), call('DeleteItem')]],
  ['received', 'staff renew', 'renew_pending', { resumeState: 'received' }, [ram('Renew')]],
  ['received', 'staff close_manually', 'closed', {}, []],
  // checked out
  ['checked_out', 'StatusChange Overdue', 'overdue', { resumeState: 'checked_out', lastStatus: 'Overdue' }, [notice('overdue')]],
  ['checked_out', 'StatusChange Recalled', 'recalled', { resumeState: 'checked_out', lastStatus: 'Recalled' }, [notice('recalled')]],
  ['checked_out', 'StatusChange CompletedWithoutReturn', 'complete', { lastStatus: 'CompletedWithoutReturn' }, []],
  ['checked_out', 'StatusChange Loaned with a new due date', 'checked_out', { dueDate: NEW_DUE }, []],
  ['checked_out', 'RenewResponse Y', 'checked_out', { dueDate: NEW_DUE }, []],
  ['checked_out', 'staff mark_returned', 'returned_by_patron', {}, [call('CheckInItem')]],
  ['checked_out', 'staff renew', 'renew_pending', { resumeState: 'checked_out' }, [ram('Renew')]],
  ['checked_out', 'staff close_manually', 'closed', {}, []],
  // returned by patron
  ['returned_by_patron', 'StatusChange Overdue', 'overdue', { resumeState: 'returned_by_patron', lastStatus: 'Overdue' }, [notice('overdue')]],
  ['returned_by_patron', 'StatusChange Recalled', 'recalled', { resumeState: 'returned_by_patron', lastStatus: 'Recalled' }, [notice('recalled')]],
  ['returned_by_patron', 'StatusChange LoanCompleted', 'complete', { lastStatus: 'LoanCompleted' }, [call('DeleteItem')]],
  ['returned_by_patron', 'StatusChange CompletedWithoutReturn', 'complete', { lastStatus: 'CompletedWithoutReturn' }, []],
  ['returned_by_patron', 'StatusChange Loaned with a new due date', 'returned_by_patron', { dueDate: NEW_DUE }, []],
  ['returned_by_patron', 'RenewResponse Y', 'returned_by_patron', { dueDate: NEW_DUE }, []],
  ['returned_by_patron', 'staff ship_return', 'shipped_return', {}, [ram('ShippedReturn'), call('DeleteItem')]],
  ['returned_by_patron', 'staff close_manually', 'closed', {}, []],
  // shipped return
  ['shipped_return', 'StatusChange LoanCompleted', 'complete', { lastStatus: 'LoanCompleted' }, []],
  ['shipped_return', 'StatusChange CompletedWithoutReturn', 'complete', { lastStatus: 'CompletedWithoutReturn' }, []],
  ['shipped_return', 'staff close_manually', 'closed', {}, []],
  // overdue
  ['overdue', 'StatusChange Loaned', 'checked_out', { resumeState: undefined, lastStatus: 'Loaned', dueDate: DUE }, []],
  ['overdue', 'StatusChange Recalled', 'recalled', { lastStatus: 'Recalled' }, [notice('recalled')]],
  ['overdue', 'StatusChange CompletedWithoutReturn', 'complete', { resumeState: undefined, lastStatus: 'CompletedWithoutReturn' }, []],
  ['overdue', 'StatusChange Loaned with a new due date', 'checked_out', { resumeState: undefined, lastStatus: 'Loaned', dueDate: NEW_DUE }, []],
  ['overdue', 'staff mark_returned', 'returned_by_patron', { resumeState: undefined }, [call('CheckInItem')]],
  ['overdue', 'staff renew', 'renew_pending', { resumeState: 'checked_out' }, [ram('Renew')]],
  ['overdue', 'staff close_manually', 'closed', {}, []],
  // recalled
  ['recalled', 'StatusChange CompletedWithoutReturn', 'complete', { resumeState: undefined, lastStatus: 'CompletedWithoutReturn' }, []],
  ['recalled', 'staff mark_returned', 'returned_by_patron', { resumeState: undefined }, [call('CheckInItem')]],
  ['recalled', 'staff close_manually', 'closed', {}, []],
  // renew pending
  ['renew_pending', 'StatusChange Overdue', 'renew_pending', { lastStatus: 'Overdue' }, [notice('overdue')]],
  ['renew_pending', 'StatusChange Recalled', 'recalled', { lastStatus: 'Recalled' }, [notice('recalled')]],
  ['renew_pending', 'StatusChange CompletedWithoutReturn', 'complete', { resumeState: undefined, lastStatus: 'CompletedWithoutReturn' }, []],
  ['renew_pending', 'StatusChange Loaned with a new due date', 'checked_out', { resumeState: undefined, lastStatus: 'Loaned', renewals: 1, dueDate: NEW_DUE }, [notice('renewed')]],
  ['renew_pending', 'RenewResponse Y', 'checked_out', { resumeState: undefined, lastStatus: 'Loaned', renewals: 1, dueDate: NEW_DUE }, [notice('renewed')]],
  ['renew_pending', 'RenewResponse N', 'checked_out', { resumeState: undefined }, [notice('renew_refused')]],
  ['renew_pending', 'staff mark_returned', 'returned_by_patron', { resumeState: undefined }, [call('CheckInItem')]],
  ['renew_pending', 'staff close_manually', 'closed', {}, []],
];

// Accepted, and nothing changes: stale timers, repeats, backward statuses, notes.
const NOTES = ['StatusChange without status', 'Notification with a note'];
const BEFORE_LOANED = ['StatusChange RequestReceived', 'StatusChange ExpectToSupply', 'StatusChange WillSupply', 'StatusChange WillSupply with conditions', 'StatusChange RetryPossible', 'StatusChange Unfilled'];
const ITEM_HERE = ['supplier_timeout', ...NOTES, 'Notification Unfilled', ...BEFORE_LOANED, 'StatusChange Loaned'];
const ALL_STATUSES = Object.keys(EVENTS).filter((e) => e.startsWith('StatusChange'));
const ENDED = ['supplier_timeout', ...ALL_STATUSES, 'Notification with a note', 'Notification Unfilled', 'CancelResponse Y', 'RenewResponse Y'];

const NOTHING_CHANGES: Record<RequesterState, string[]> = {
  new: ['supplier_timeout'],
  validated: ['supplier_timeout'],
  local_review: ['supplier_timeout'],
  error: ['supplier_timeout'],
  sent_to_supplier: [...NOTES, 'Notification Unfilled'],
  expect_to_supply: ['supplier_timeout', ...NOTES, 'StatusChange RequestReceived', 'StatusChange ExpectToSupply'],
  will_supply: ['supplier_timeout', ...NOTES, 'StatusChange RequestReceived', 'StatusChange ExpectToSupply', 'StatusChange WillSupply'],
  conditional: ['supplier_timeout', ...NOTES, 'StatusChange RequestReceived', 'StatusChange ExpectToSupply', 'StatusChange WillSupply', 'StatusChange WillSupply with conditions'],
  cancel_pending: ['supplier_timeout', ...NOTES, 'Notification Unfilled', 'StatusChange RequestReceived', 'StatusChange ExpectToSupply', 'StatusChange WillSupply'],
  // A direct supplier's transaction ended with its offer: its repeats and older news are only noted.
  retry_offered: ['supplier_timeout', ...NOTES, 'Notification Unfilled', 'StatusChange RequestReceived', 'StatusChange ExpectToSupply', 'StatusChange WillSupply', 'StatusChange WillSupply with conditions', 'StatusChange RetryPossible'],
  retry_scheduled: ['supplier_timeout', ...NOTES, 'Notification Unfilled'],
  shipped: ITEM_HERE,
  received: ITEM_HERE,
  checked_out: ITEM_HERE,
  returned_by_patron: ITEM_HERE,
  shipped_return: [...ITEM_HERE, 'StatusChange Overdue', 'StatusChange Recalled', 'StatusChange Loaned with a new due date', 'RenewResponse Y'],
  overdue: ['supplier_timeout', ...NOTES, 'Notification Unfilled', ...BEFORE_LOANED, 'StatusChange Overdue'],
  recalled: ['supplier_timeout', ...NOTES, 'Notification Unfilled', ...BEFORE_LOANED, 'StatusChange Loaned', 'StatusChange Loaned with a new due date', 'StatusChange Overdue', 'StatusChange Recalled', 'RenewResponse Y'],
  renew_pending: ITEM_HERE,
  complete: ENDED,
  // A re-request is a new request: this one stays as it ended, with a note.
  cancelled: [...ENDED.filter((e) => !['StatusChange CopyCompleted', 'StatusChange LoanCompleted', 'StatusChange CompletedWithoutReturn'].includes(e)), 'staff rerequest'],
  unfilled: ['request_refused', 'supplier_timeout', ...NOTES, 'Notification Unfilled', ...BEFORE_LOANED, 'staff rerequest'],
  filled_locally: ['supplier_timeout'],
  closed: ['supplier_timeout', ...NOTES, 'Notification Unfilled', 'StatusChange RequestReceived', 'StatusChange ExpectToSupply', 'StatusChange WillSupply'],
};

const decide = (state: RequesterState, event: string) => {
  const ev = EVENTS[event];
  if (!ev) throw new Error(`no event ${event} in the catalog`);
  return decideRequester({ state, lifecycle: AT[state], requestingAgencyRequestId: 'REQ-1' }, ev, ctx);
};

const legal = new Set([...MOVES.map(([s, e]) => `${s} | ${e}`), ...REQUESTER_STATE_NAMES.flatMap((s) => NOTHING_CHANGES[s].map((e) => `${s} | ${e}`))]);
const illegalPairs = REQUESTER_STATE_NAMES.flatMap((s) => Object.keys(EVENTS).map((e) => [s, e] as const)).filter(([s, e]) => !legal.has(`${s} | ${e}`));

describe('requester machine: every transition', () => {
  it.each(MOVES)('%s + %s -> %s', (state, event, next, changes, effects) => {
    const d = decide(state, event);
    expect(d.state).toBe(next);
    expect(d.changes).toStrictEqual(changes);
    expect(d.effects).toStrictEqual(effects);
  });

  it.each(REQUESTER_STATE_NAMES.flatMap((s) => NOTHING_CHANGES[s].map((e) => [s, e] as const)))('%s accepts %s and changes nothing', (state, event) => {
    const d = decide(state, event);
    expect(isNoChange({ state }, d)).toBe(true);
  });

  it.each(illegalPairs)('%s refuses %s with a typed IllegalTransition', (state, event) => {
    expect(() => decide(state, event)).toThrow(IllegalTransition);
  });

  it.each(illegalPairs.filter(([, e]) => e.includes('Response') || e.startsWith('StatusChange') || e.startsWith('Notification')))(
    '%s answers the partner that sent %s with an ISO 18626 error type',
    (state, event) => {
      try {
        decide(state, event);
      } catch (e) {
        expect((e as IllegalTransition).protocolError).toMatch(/^(UnrecognisedDataValue|UnsupportedReasonForMessageType)$/);
        return;
      }
      throw new Error('not refused');
    },
  );

  it('lists each pair once, and every event of the catalog is legal somewhere', () => {
    expect(new Set(MOVES.map(([s, e]) => `${s} | ${e}`)).size).toBe(MOVES.length);
    for (const s of REQUESTER_STATE_NAMES) for (const e of NOTHING_CHANGES[s]) expect(MOVES.some(([ms, me]) => ms === s && me === e)).toBe(false);
    for (const e of Object.keys(EVENTS)) expect([...legal].some((p) => p.endsWith(` | ${e}`))).toBe(true);
  });
});

describe('requester staff actions', () => {
  it.each(REQUESTER_STATE_NAMES)('%s offers exactly the staff actions it accepts', (state) => {
    const offered = requesterActions(state, AT[state]);
    const accepted = REQUESTER_STAFF_ACTIONS.filter((a) => {
      try {
        decide(state, `staff ${a}`);
        return true;
      } catch (e) {
        if (!(e instanceof IllegalTransition)) throw e;
        expect(e.protocolError).toBeUndefined();
        return false;
      }
    });
    expect(offered).toEqual(accepted);
  });

  // An unfilled or cancelled request can be asked for again, as a new request; nothing else moves an ended one.
  it.each(REQUESTER_STATE_NAMES.filter((s) => REQUESTER_STATES[s].terminal))('%s is terminal and offers nothing but a re-request', (state) => {
    expect(requesterActions(state, AT[state])).toEqual(state === 'unfilled' || state === 'cancelled' ? ['rerequest'] : []);
  });

  it.each(REQUESTER_STATE_NAMES.filter((s) => !REQUESTER_STATES[s].terminal))('%s can always be closed manually', (state) => {
    expect(requesterActions(state, AT[state])).toContain('close_manually');
  });
});
