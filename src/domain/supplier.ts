/**
 * The lending (supplier) state machine: `(state, event) -> { state, changes, effects }`.
 * Pure: the clock comes in `ctx.at`. The only error thrown is IllegalTransition; a refused
 * requestingAgencyMessage carries `protocolError` UnsupportedActionType for the confirmation.
 *
 * Requester actions (NOTES §4, mod-rs responder): StatusRequest is answered in any state;
 * Notification is noted (and may agree to our conditions); Cancel before shipping waits for staff,
 * after shipping is refused at once; Renew of a loan waits for staff (refused at once if recalled);
 * Received and ShippedReturn follow the item; repeats and late copies change nothing.
 */
import { decision, refuse, sam } from './decision';
import { loanedAfterCheckout, onSupplierStaffAction } from './supplier-staff';
import type { RequesterMessageEvent, SupplierContext, SupplierEvent, SupplierState } from './supplier-states';
import type { Decision, Lifecycle } from './types';

export * from './supplier-states';
export { supplierActions, reasonFor } from './supplier-staff';
export { isNoChange } from './decision';

export interface SupplierRequest {
  readonly state: SupplierState;
  readonly lifecycle: Lifecycle;
}

/** An inbound ISO 18626 request: state `received`. The confirmation is its acknowledgement. */
export function startSupplier(_lifecycle: Lifecycle): Decision<SupplierState> {
  return decision('received', {}, [], 'request received from the requester');
}

const BEFORE_SHIPPING: readonly SupplierState[] = ['received', 'validated', 'will_supply', 'awaiting_shipping', 'conditional'];
const ON_LOAN: readonly SupplierState[] = ['shipped', 'overdue', 'recalled', 'renew_requested'];
const RETURNING: readonly SupplierState[] = ['returned_by_borrower', 'checked_in'];

const say = (text: string, note: string | undefined): string => (note ? `${text} (note: ${note})` : text);
const noted = (state: SupplierState, text: string, note: string | undefined): Decision<SupplierState> => decision(state, {}, [], say(text, note));

function onRequesterMessage(state: SupplierState, lc: Lifecycle, m: RequesterMessageEvent): Decision<SupplierState> {
  const label = `requester_message:${m.action}`;
  const unsupported = (why: string): never => refuse(state, label, why, 'UnsupportedActionType');
  const loanEnded = state === 'complete' && lc.lastStatus !== 'CopyCompleted';
  switch (m.action) {
    case 'StatusRequest':
      return decision(state, {}, [sam({ reasonForMessage: 'StatusRequestResponse', status: lc.lastStatus ?? 'RequestReceived', dueDate: lc.dueDate })]);
    case 'Notification':
      if (state === 'conditional' && m.conditionsAgreed) return decision('will_supply', {}, [], say('the requester agreed to the loan conditions', m.note));
      return decision(state, {}, [], m.note);
    case 'Cancel':
      if (BEFORE_SHIPPING.includes(state)) {
        const text = state === 'conditional' ? 'the requester rejected the loan conditions and asks to cancel' : 'the requester asks to cancel';
        return decision('cancel_requested', { resumeState: state }, [], say(text, m.note));
      }
      if (state === 'cancel_requested' || state === 'cancelled') return decision(state, {}, [], m.note);
      if (ON_LOAN.includes(state)) {
        return decision(state, {}, [sam({ reasonForMessage: 'CancelResponse', status: lc.lastStatus ?? 'Loaned', answerYesNo: 'N', note: 'the item has already been shipped' })], 'refused a cancel: the item has already been shipped');
      }
      if (state === 'shipping') {
        return decision(state, {}, [sam({ reasonForMessage: 'CancelResponse', status: lc.lastStatus ?? 'WillSupply', answerYesNo: 'N', note: 'the item is being shipped' })], 'refused a cancel: the item is being shipped');
      }
      return unsupported(`there is nothing left to cancel: the request is ${state.replace(/_/g, ' ')}`);
    case 'Renew':
      if (state === 'shipped' || state === 'overdue') return decision('renew_requested', { resumeState: state }, [], say('the requester asks to renew', m.note));
      if (state === 'renew_requested') return decision(state, {}, [], m.note);
      if (state === 'recalled') {
        return decision(state, {}, [sam({ reasonForMessage: 'RenewResponse', status: 'Recalled', answerYesNo: 'N', dueDate: lc.dueDate, note: 'the item has been recalled' })], 'refused a renewal: the item has been recalled');
      }
      return unsupported(`only an item on loan can be renewed; the request is ${state.replace(/_/g, ' ')}`);
    case 'Received':
      if (ON_LOAN.includes(state) || RETURNING.includes(state) || state === 'complete') return noted(state, 'the requester received the item', m.note);
      return unsupported(`nothing has been shipped: the request is ${state.replace(/_/g, ' ')}`);
    case 'ShippedReturn':
      if (ON_LOAN.includes(state)) return decision('returned_by_borrower', state === 'renew_requested' ? { resumeState: undefined } : {}, [], say('the requester shipped the item back', m.note));
      if (state === 'returned_by_borrower') return decision(state, {}, [], m.note);
      if (state === 'checked_in' || loanEnded) return noted(state, 'late ShippedReturn: the item is already back', m.note);
      return unsupported(`no loan to return: the request is ${state.replace(/_/g, ' ')}`);
    case 'ShippedForward':
      return unsupported('forwarding an item to another borrower is not supported');
  }
}

export function supplierEventLabel(event: SupplierEvent): string {
  switch (event.type) {
    case 'staff':
      return `staff:${event.action}`;
    case 'requester_message':
      return `requester_message:${event.action}`;
    default:
      return event.type;
  }
}

export function decideSupplier(current: SupplierRequest, event: SupplierEvent, ctx: SupplierContext): Decision<SupplierState> {
  const { state, lifecycle: lc } = current;
  switch (event.type) {
    case 'validate':
      if (state !== 'received') return refuse(state, event.type, 'only a request just received is validated');
      return decision('validated');
    case 'validation_failed':
      if (state !== 'received') return refuse(state, event.type, 'only a request just received is validated');
      return decision('unfilled', { lastStatus: 'Unfilled', reason: event.reason }, [sam({ reasonForMessage: 'RequestResponse', status: 'Unfilled', note: event.reason })], `cannot be supplied: ${event.reason}`);
    case 'requester_message':
      return onRequesterMessage(state, lc, event);
    case 'staff':
      return onSupplierStaffAction(state, lc, event, ctx);
    case 'ils_checked_out':
      if (state !== 'shipping') return refuse(state, event.type, 'only a request waiting for its ILS checkout goes on to Loaned');
      return loanedAfterCheckout(lc, event.dueDate, ctx.at);
  }
}
