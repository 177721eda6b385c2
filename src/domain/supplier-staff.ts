/**
 * What lending staff may do in each supplier state, as a table of handlers: the list the API
 * offers and what `decideSupplier` accepts are the same table. Each action sends the matching
 * supplyingAgencyMessage with the reason NOTES §3 gives: RequestResponse while the request is
 * unanswered, StatusChange after, CancelResponse / RenewResponse for answers.
 */
import { decision, isValidDueDate, ncip, refuse, sam } from './decision';
import { isSupplierState, SUPPLIER_STAFF_ACTIONS } from './supplier-states';
import type { SupplierContext, SupplierStaffAction, SupplierStaffEvent, SupplierState } from './supplier-states';
import type { Decision, Lifecycle, ReasonForMessage } from './types';

type Handler = (lc: Lifecycle, ev: SupplierStaffEvent, ctx: SupplierContext, state: SupplierState) => Decision<SupplierState>;
type Handlers = Partial<Record<SupplierStaffAction, Handler>>;

/** The first answer to a request is a RequestResponse; anything later is a StatusChange. */
export function reasonFor(lc: Lifecycle): ReasonForMessage {
  return lc.lastStatus === undefined || lc.lastStatus === 'RequestReceived' ? 'RequestResponse' : 'StatusChange';
}

function dueDateOf(ev: SupplierStaffEvent, ctx: SupplierContext, state: SupplierState): string {
  const dueDate = 'dueDate' in ev ? ev.dueDate : '';
  if (!isValidDueDate(dueDate, ctx.at)) refuse(state, `staff:${ev.action}`, `due date ${dueDate || '(none)'} must be a date after ${ctx.at.toISOString()}`);
  return dueDate;
}

const willSupply: Handler = (lc, ev) => decision('will_supply', { lastStatus: 'WillSupply' }, [sam({ reasonForMessage: reasonFor(lc), status: 'WillSupply', note: ev.note })]);

const addConditions: Handler = (lc, ev, _ctx, state) => {
  const conditions = ev.action === 'add_conditions' ? ev.conditions : [];
  if (conditions.length === 0) refuse(state, 'staff:add_conditions', 'name at least one loan condition');
  return decision('conditional', { lastStatus: 'WillSupply', loanConditions: conditions }, [sam({ reasonForMessage: reasonFor(lc), status: 'WillSupply', loanConditions: conditions, note: ev.note })]);
};

const cannotSupply: Handler = (lc, ev, _ctx, state) => {
  const reason = ev.action === 'cannot_supply' ? ev.reason.trim() : '';
  if (reason === '') refuse(state, 'staff:cannot_supply', 'give the reason it cannot be supplied');
  return decision('unfilled', { lastStatus: 'Unfilled', reason }, [sam({ reasonForMessage: reasonFor(lc), status: 'Unfilled', reasonUnfilled: reason, note: ev.note })]);
};

const markPicked: Handler = () => decision('awaiting_shipping');

/**
 * The item is checked out to the requester's ILL account in our ILS, then announced Loaned. When
 * the ILS takes part (`ctx.ils.checkOutItem`), Loaned waits in `shipping` for the checkout and
 * carries the ILS's due date (`ils_checked_out`); staff's date is the fallback. Otherwise both go
 * at once with staff's date.
 */
const ship: Handler = (lc, ev, ctx, state) => {
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

const supplyCopy: Handler = (lc, ev) => decision('complete', { lastStatus: 'CopyCompleted' }, [sam({ reasonForMessage: reasonFor(lc), status: 'CopyCompleted', delivered: true, note: ev.note })]);

const acceptCancel: Handler = (_lc, ev) =>
  decision('cancelled', { resumeState: undefined, lastStatus: 'Cancelled' }, [sam({ reasonForMessage: 'CancelResponse', status: 'Cancelled', answerYesNo: 'Y', note: ev.note })]);

const resumeOf = (lc: Lifecycle, state: SupplierState, action: string): SupplierState => {
  const back = lc.resumeState;
  return isSupplierState(back) ? back : refuse(state, `staff:${action}`, 'there is no state to return to');
};

const refuseCancel: Handler = (lc, ev, _ctx, state) =>
  decision(resumeOf(lc, state, 'refuse_cancel'), { resumeState: undefined }, [
    sam({ reasonForMessage: 'CancelResponse', status: lc.lastStatus ?? 'RequestReceived', answerYesNo: 'N', note: ev.note }),
  ]);

/** A renewal also ends an overdue: the item is on loan again until the new date. */
const approveRenewal: Handler = (lc, ev, ctx, state) => {
  const dueDate = dueDateOf(ev, ctx, state);
  return decision('shipped', { resumeState: undefined, lastStatus: 'Loaned', dueDate, renewals: (lc.renewals ?? 0) + 1 }, [
    sam({ reasonForMessage: 'RenewResponse', status: 'Loaned', answerYesNo: 'Y', dueDate, note: ev.note }),
  ]);
};

const refuseRenewal: Handler = (lc, ev, _ctx, state) =>
  decision(resumeOf(lc, state, 'refuse_renewal'), { resumeState: undefined }, [
    sam({ reasonForMessage: 'RenewResponse', status: lc.lastStatus ?? 'Loaned', answerYesNo: 'N', dueDate: lc.dueDate, note: ev.note }),
  ]);

const markOverdue: Handler = (lc, ev) => decision('overdue', { lastStatus: 'Overdue' }, [sam({ reasonForMessage: 'StatusChange', status: 'Overdue', dueDate: lc.dueDate, note: ev.note })]);

const recall: Handler = (lc, ev) => decision('recalled', { lastStatus: 'Recalled' }, [sam({ reasonForMessage: 'StatusChange', status: 'Recalled', dueDate: lc.dueDate, note: ev.note })]);

/** Also when the item comes back without a ShippedReturn: staff have it in hand. */
const checkIn: Handler = () => decision('checked_in', {}, [ncip('CheckInItem')]);

const complete: Handler = (_lc, ev) => decision('complete', { lastStatus: 'LoanCompleted' }, [sam({ reasonForMessage: 'StatusChange', status: 'LoanCompleted', note: ev.note })]);

/** ship for loans, supply_copy for copies; CopyOrLoan offers both. */
function supplying(lc: Lifecycle): Handlers {
  return {
    ...(lc.serviceType === 'Copy' ? {} : { ship }),
    ...(lc.serviceType === 'Loan' ? {} : { supply_copy: supplyCopy }),
  };
}

function handlersFor(state: SupplierState, lc: Lifecycle): Handlers {
  switch (state) {
    case 'received':
    case 'validated':
      return { will_supply: willSupply, add_conditions: addConditions, cannot_supply: cannotSupply, ...supplying(lc) };
    case 'will_supply':
      return { add_conditions: addConditions, cannot_supply: cannotSupply, mark_picked: markPicked, ...supplying(lc) };
    case 'awaiting_shipping':
      return { cannot_supply: cannotSupply, ...supplying(lc) };
    case 'shipping':
      // Waiting for the ILS; staff may still give up on supplying (e.g. the ILS says it does not circulate).
      return { cannot_supply: cannotSupply };
    case 'conditional':
      // Staff may go on once the requester agreed, whatever channel the agreement came by.
      return { cannot_supply: cannotSupply, mark_picked: markPicked, ...supplying(lc) };
    case 'cancel_requested':
      return { accept_cancel: acceptCancel, refuse_cancel: refuseCancel };
    case 'shipped':
      return { mark_overdue: markOverdue, recall, check_in: checkIn };
    case 'overdue':
      return { recall, check_in: checkIn };
    case 'recalled':
    case 'returned_by_borrower':
      return { check_in: checkIn };
    case 'renew_requested':
      return { approve_renewal: approveRenewal, refuse_renewal: refuseRenewal };
    case 'checked_in':
      return { complete };
    case 'complete':
    case 'unfilled':
    case 'cancelled':
      return {};
  }
}

/** The staff actions the supply request offers now, in SUPPLIER_STAFF_ACTIONS order. */
export function supplierActions(state: SupplierState, lifecycle: Lifecycle): SupplierStaffAction[] {
  const handlers = handlersFor(state, lifecycle);
  return SUPPLIER_STAFF_ACTIONS.filter((a) => handlers[a] !== undefined);
}

export function onSupplierStaffAction(state: SupplierState, lc: Lifecycle, ev: SupplierStaffEvent, ctx: SupplierContext): Decision<SupplierState> {
  const handler = handlersFor(state, lc)[ev.action];
  if (!handler) return refuse(state, `staff:${ev.action}`, `staff cannot ${ev.action.replace(/_/g, ' ')} a supply request that is ${state.replace(/_/g, ' ')}`);
  return handler(lc, ev, ctx, state);
}
