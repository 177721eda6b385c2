/**
 * What lending staff may do in each supplier state, as rows of transitions: the list the API
 * offers and what `decideSupplier` accepts are the same rows. Each action sends the matching
 * supplyingAgencyMessage with the reason NOTES §3 gives: RequestResponse while the request is
 * unanswered, StatusChange after, CancelResponse / RenewResponse for answers.
 */
import { decision, isValidDueDate, ncip, refuse, sam } from './decision';
import { step, transitionOf, type Current, type Row, type Rows, type Transition } from './machine';
import { defined, offerNote, timeOf } from './retry';
import { SUPPLIER_STAFF_ACTIONS } from './supplier-states';
import type { SupplierContext, SupplierStaffAction, SupplierStaffEvent, SupplierState } from './supplier-states';
import type { Decision, Lifecycle, ReasonForMessage } from './types';

type T = Transition<SupplierState, SupplierStaffEvent, SupplierContext>;
type StaffRow = Row<SupplierState, SupplierStaffAction, SupplierStaffEvent, SupplierContext>;

/** The first answer to a request is a RequestResponse; anything later is a StatusChange. */
export function reasonFor(lc: Lifecycle): ReasonForMessage {
  return lc.lastStatus === undefined || lc.lastStatus === 'RequestReceived' ? 'RequestResponse' : 'StatusChange';
}

function dueDateOf(ev: SupplierStaffEvent, ctx: SupplierContext, state: SupplierState): string {
  const dueDate = 'dueDate' in ev ? ev.dueDate : '';
  if (!isValidDueDate(dueDate, ctx.at)) refuse(state, `staff:${ev.action}`, `due date ${dueDate || '(none)'} must be a date after ${ctx.at.toISOString()}`);
  return dueDate;
}

const willSupply: T = { to: ['will_supply'], run: ({ lifecycle: lc }, ev) => decision('will_supply', { lastStatus: 'WillSupply' }, [sam({ reasonForMessage: reasonFor(lc), status: 'WillSupply', note: ev.note })]) };

const addConditions: T = {
  to: ['conditional'],
  run: ({ state, lifecycle: lc }, ev) => {
    const conditions = ev.action === 'add_conditions' ? ev.conditions : [];
    if (conditions.length === 0) refuse(state, 'staff:add_conditions', 'name at least one loan condition');
    return decision('conditional', { lastStatus: 'WillSupply', loanConditions: conditions }, [sam({ reasonForMessage: reasonFor(lc), status: 'WillSupply', loanConditions: conditions, note: ev.note })]);
  },
};

const cannotSupply: T = {
  to: ['unfilled'],
  run: ({ state, lifecycle: lc }, ev) => {
    const reason = ev.action === 'cannot_supply' ? ev.reason.trim() : '';
    if (reason === '') refuse(state, 'staff:cannot_supply', 'give the reason it cannot be supplied');
    return decision('unfilled', { lastStatus: 'Unfilled', reason }, [sam({ reasonForMessage: reasonFor(lc), status: 'Unfilled', reasonUnfilled: reason, note: ev.note })]);
  },
};

/**
 * RetryPossible instead of Unfilled: the requester may ask again (a Retry) within the window, at
 * the price or on the conditions offered. The transaction ends here either way.
 */
const offerRetry: T = {
  to: ['retry_offered'],
  run: ({ state, lifecycle: lc }, ev, ctx) => {
    if (ev.action !== 'offer_retry') return undefined;
    const reason = ev.reason.trim();
    if (reason === '') refuse(state, 'staff:offer_retry', 'give the reason a retry is possible (reasonRetry)');
    const after = timeOf(ev.retryAfter);
    const before = timeOf(ev.retryBefore);
    if ((ev.retryAfter !== undefined && after === undefined) || (ev.retryBefore !== undefined && before === undefined)) refuse(state, 'staff:offer_retry', 'retryAfter and retryBefore must be ISO dates or date-times');
    if (before !== undefined && before <= ctx.at.getTime()) refuse(state, 'staff:offer_retry', `retryBefore ${ev.retryBefore} has passed`);
    if (before !== undefined && after !== undefined && before <= after) refuse(state, 'staff:offer_retry', 'retryBefore must come after retryAfter');
    const conditions = ev.loanConditions && ev.loanConditions.length > 0 ? ev.loanConditions : undefined;
    const offer = defined({ reason, retryAfter: ev.retryAfter, retryBefore: ev.retryBefore, offeredCosts: ev.offeredCosts, loanConditions: conditions, note: ev.note, at: ctx.at.toISOString() });
    return decision('retry_offered', { lastStatus: 'RetryPossible', retryOffer: offer, pendingNote: undefined }, [
      sam({ reasonForMessage: reasonFor(lc), status: 'RetryPossible', reasonRetry: reason, retryAfter: ev.retryAfter, retryBefore: ev.retryBefore, offeredCosts: ev.offeredCosts, loanConditions: conditions, note: offerNote(conditions, ev.note) }),
    ]);
  },
};

const markPicked: T = { to: ['awaiting_shipping'], run: () => decision('awaiting_shipping') };

/**
 * The item is checked out to the requester's ILL account in our ILS, then announced Loaned. When
 * the ILS takes part (`ctx.ils.checkOutItem`), Loaned waits in `shipping` for the checkout and
 * carries the ILS's due date (`ils_checked_out`); staff's date is the fallback. Otherwise both go
 * at once with staff's date. Loans only: a Copy request is not offered `ship`.
 */
const ship: T = {
  to: ['shipping', 'shipped'],
  offeredWhen: (lc) => lc.serviceType !== 'Copy',
  run: ({ state, lifecycle: lc }, ev, ctx) => {
    const dueDate = dueDateOf(ev, ctx, state);
    const itemId = ev.action === 'ship' && ev.itemId !== undefined && ev.itemId.trim() !== '' ? ev.itemId.trim() : undefined;
    if (ctx.ils?.checkOutItem) {
      if (itemId === undefined) refuse(state, 'staff:ship', "give the item's barcode (itemId): the ILS checks it out to the borrowing library");
      return decision('shipping', { dueDate, itemId, pendingNote: ev.note }, [ncip('CheckOutItem')], `checking item ${itemId} out in the ILS; Loaned goes out after that`);
    }
    return decision('shipped', { lastStatus: 'Loaned', dueDate, ...(itemId !== undefined ? { itemId } : {}) }, [
      ncip('CheckOutItem'),
      sam({ reasonForMessage: reasonFor(lc), status: 'Loaned', dueDate, loanConditions: lc.loanConditions, delivered: true, note: ev.note }),
    ]);
  },
};

/** After the ILS checkout: Loaned with the ILS's due date when it gave a usable one, else staff's. */
export function loanedAfterCheckout(lc: Lifecycle, ilsDueDate: string | undefined, at: Date): Decision<SupplierState> {
  const fromIls = ilsDueDate !== undefined && isValidDueDate(ilsDueDate, at);
  const dueDate = fromIls ? ilsDueDate : lc.dueDate;
  return decision(
    'shipped',
    { lastStatus: 'Loaned', dueDate, pendingNote: undefined },
    [sam({ reasonForMessage: reasonFor(lc), status: 'Loaned', dueDate, loanConditions: lc.loanConditions, delivered: true, note: lc.pendingNote })],
    fromIls ? `checked out in the ILS, due ${dueDate}; Loaned sent` : `Loaned sent with the due date staff gave (${dueDate ?? 'none'})`,
  );
}

/** Copies only: a Loan request is not offered `supply_copy` (CopyOrLoan offers both). */
const supplyCopy: T = {
  to: ['complete'],
  offeredWhen: (lc) => lc.serviceType !== 'Loan',
  run: ({ lifecycle: lc }, ev) => decision('complete', { lastStatus: 'CopyCompleted' }, [sam({ reasonForMessage: reasonFor(lc), status: 'CopyCompleted', delivered: true, note: ev.note })]),
};

const acceptCancel: T = {
  to: ['cancelled'],
  run: (_c, ev) => decision('cancelled', { resumeState: undefined, lastStatus: 'Cancelled' }, [sam({ reasonForMessage: 'CancelResponse', status: 'Cancelled', answerYesNo: 'Y', note: ev.note })]),
};

/** The states a requester's Cancel can wait in: before the item left (supplier.ts). */
export const CANCELLABLE = ['received', 'validated', 'will_supply', 'awaiting_shipping', 'conditional'] as const satisfies readonly SupplierState[];
/** The states a requester's Renew can wait in. */
export const RENEWABLE = ['shipped', 'overdue'] as const satisfies readonly SupplierState[];

function resumeOf<S extends SupplierState>(from: readonly S[], { state, lifecycle: lc }: Current<SupplierState>, action: string): S {
  const back = from.find((s) => s === lc.resumeState);
  return back ?? refuse(state, `staff:${action}`, 'there is no state to return to');
}

const refuseCancel: T = {
  to: CANCELLABLE,
  run: (current, ev) =>
    decision(resumeOf(CANCELLABLE, current, 'refuse_cancel'), { resumeState: undefined }, [
      sam({ reasonForMessage: 'CancelResponse', status: current.lifecycle.lastStatus ?? 'RequestReceived', answerYesNo: 'N', note: ev.note }),
    ]),
};

/** A renewal also ends an overdue: the item is on loan again until the new date. */
const approveRenewal: T = {
  to: ['shipped'],
  run: ({ state, lifecycle: lc }, ev, ctx) => {
    const dueDate = dueDateOf(ev, ctx, state);
    return decision('shipped', { resumeState: undefined, lastStatus: 'Loaned', dueDate, renewals: (lc.renewals ?? 0) + 1 }, [
      sam({ reasonForMessage: 'RenewResponse', status: 'Loaned', answerYesNo: 'Y', dueDate, note: ev.note }),
    ]);
  },
};

const refuseRenewal: T = {
  to: RENEWABLE,
  run: (current, ev) =>
    decision(resumeOf(RENEWABLE, current, 'refuse_renewal'), { resumeState: undefined }, [
      sam({ reasonForMessage: 'RenewResponse', status: current.lifecycle.lastStatus ?? 'Loaned', answerYesNo: 'N', dueDate: current.lifecycle.dueDate, note: ev.note }),
    ]),
};

const markOverdue: T = {
  to: ['overdue'],
  run: ({ lifecycle: lc }, ev) => decision('overdue', { lastStatus: 'Overdue' }, [sam({ reasonForMessage: 'StatusChange', status: 'Overdue', dueDate: lc.dueDate, note: ev.note })]),
};

const recall: T = {
  to: ['recalled'],
  run: ({ lifecycle: lc }, ev) => decision('recalled', { lastStatus: 'Recalled' }, [sam({ reasonForMessage: 'StatusChange', status: 'Recalled', dueDate: lc.dueDate, note: ev.note })]),
};

/** Also when the item comes back without a ShippedReturn: staff have it in hand. */
const checkIn: T = { to: ['checked_in'], run: () => decision('checked_in', {}, [ncip('CheckInItem')]) };

const complete: T = { to: ['complete'], run: (_c, ev) => decision('complete', { lastStatus: 'LoanCompleted' }, [sam({ reasonForMessage: 'StatusChange', status: 'LoanCompleted', note: ev.note })]) };

const supplying: StaffRow = { ship, supply_copy: supplyCopy };

/** The staff actions of each supplier state: what the API offers and what `decideSupplier` accepts. */
export const STAFF_ROWS: Rows<SupplierState, SupplierStaffAction, SupplierStaffEvent, SupplierContext> = {
  received: { will_supply: willSupply, add_conditions: addConditions, cannot_supply: cannotSupply, offer_retry: offerRetry, ...supplying },
  validated: { will_supply: willSupply, add_conditions: addConditions, cannot_supply: cannotSupply, offer_retry: offerRetry, ...supplying },
  will_supply: { add_conditions: addConditions, cannot_supply: cannotSupply, offer_retry: offerRetry, mark_picked: markPicked, ...supplying },
  awaiting_shipping: { cannot_supply: cannotSupply, offer_retry: offerRetry, ...supplying },
  // Waiting for the ILS; staff may still give up on supplying (e.g. the ILS says it does not circulate).
  shipping: { cannot_supply: cannotSupply, offer_retry: offerRetry },
  // Staff may go on once the requester agreed, whatever channel the agreement came by.
  conditional: { cannot_supply: cannotSupply, offer_retry: offerRetry, mark_picked: markPicked, ...supplying },
  cancel_requested: { accept_cancel: acceptCancel, refuse_cancel: refuseCancel },
  shipped: { mark_overdue: markOverdue, recall, check_in: checkIn },
  overdue: { recall, check_in: checkIn },
  recalled: { check_in: checkIn },
  returned_by_borrower: { check_in: checkIn },
  renew_requested: { approve_renewal: approveRenewal, refuse_renewal: refuseRenewal },
  checked_in: { complete },
  complete: {},
  unfilled: {},
  cancelled: {},
  retry_offered: {},
};

/** The staff actions the supply request offers now, in SUPPLIER_STAFF_ACTIONS order. */
export function supplierActions(state: SupplierState, lifecycle: Lifecycle): SupplierStaffAction[] {
  return SUPPLIER_STAFF_ACTIONS.filter((a) => transitionOf(STAFF_ROWS[state], a, lifecycle) !== undefined);
}

export function onSupplierStaffAction(current: Current<SupplierState>, ev: SupplierStaffEvent, ctx: SupplierContext): Decision<SupplierState> {
  const { state } = current;
  return step(STAFF_ROWS, ev.action, current, ev, ctx) ?? refuse(state, `staff:${ev.action}`, `staff cannot ${ev.action.replace(/_/g, ' ')} a supply request that is ${state.replace(/_/g, ' ')}`);
}
