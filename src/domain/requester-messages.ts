/**
 * How a borrowing request follows its supplier's supplyingAgencyMessages (NOTES §3–§5, §7):
 * - a repeated status changes nothing; a backward one is accepted and ignored (CrossLink);
 * - an absent status, or reason Notification, carries a note only — except Unfilled sent as a
 *   Notification, which means a broker goes on with another supplier (mod-rs "UnfilledContinue");
 * - CancelResponse and RenewResponse answer our pending Cancel or Renew (Y, N with restore);
 * - a status that cannot apply here is refused with UnrecognisedDataValue.
 */
import { decision, ncip, notify, refuse } from './decision';
import { asItemPlace, isRequesterState } from './requester-states';
import type { ItemPlace, RequesterContext, RequesterState, SupplierMessageEvent } from './requester-states';
import { nextSupplier, supplierName } from './rota';
import { isBackward } from './statuses';
import type { Decision, Lifecycle } from './types';

type Msg = SupplierMessageEvent;
type Move = Decision<RequesterState> | undefined;

const annotate = (text: string, note: string | undefined): string => (note ? `${text} (note: ${note})` : text);
const onlyNote = (state: RequesterState, m: Msg): Decision<RequesterState> => decision(state, {}, [], m.note);

function leaving(d: Move): Move {
  return d && { ...d, changes: { resumeState: undefined, ...d.changes } };
}

const sameList = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((x, i) => x === b?.[i]);

/** A repeated status still matters when it brings a new due date or new loan conditions. */
function bringsNews(lc: Lifecycle, m: Msg): boolean {
  return (m.dueDate !== undefined && m.dueDate !== lc.dueDate) || ((m.loanConditions?.length ?? 0) > 0 && !sameList(m.loanConditions, lc.loanConditions));
}

const dueDateOf = (m: Msg): Partial<Lifecycle> => (m.dueDate === undefined ? {} : { dueDate: m.dueDate });

function willSupply(m: Msg): Decision<RequesterState> {
  const conditions = m.loanConditions ?? [];
  if (conditions.length > 0) return decision('conditional', { lastStatus: 'WillSupply', loanConditions: conditions }, [], annotate(`loan conditions: ${conditions.join(', ')}`, m.note));
  return decision('will_supply', { lastStatus: 'WillSupply' }, [], m.note);
}

function shipped(lc: Lifecycle, m: Msg): Move {
  if (lc.serviceType === 'Copy') return undefined;
  return decision('shipped', { lastStatus: 'Loaned', ...dueDateOf(m) }, [notify('shipped')], m.note);
}

function copyDelivered(lc: Lifecycle, m: Msg): Move {
  if (lc.serviceType === 'Loan') return undefined;
  return decision('complete', { lastStatus: 'CopyCompleted' }, [notify('delivered')], m.note);
}

function cancelledBySupplier(m: Msg): Decision<RequesterState> {
  return decision('cancelled', { lastStatus: 'Cancelled', reason: 'cancelled by the supplier' }, [notify('cancelled')], annotate('the supplier cancelled the request', m.note));
}

function unfilledWhy(m: Msg): string {
  const reason = m.status === 'RetryPossible' ? m.reasonRetry : m.reasonUnfilled;
  return annotate(`answered ${m.status ?? ''}${reason ? ` (${reason})` : ''}`, m.note);
}

/** Unfilled with reasonUnfilled Duplicate ends the request: no other supplier can change that (NOTES §7.7). */
const isDuplicate = (m: Msg): boolean => m.reasonUnfilled?.toLowerCase() === 'duplicate';

/** While waiting for the supplier's answer (sent, expect to supply, will supply, conditional). */
function answerMove(state: RequesterState, lc: Lifecycle, m: Msg, ctx: RequesterContext): Move {
  switch (m.status) {
    case 'RequestReceived':
      return decision(state, { lastStatus: 'RequestReceived' }, [], m.note);
    case 'ExpectToSupply':
      return decision('expect_to_supply', { lastStatus: 'ExpectToSupply' }, [], m.note);
    case 'WillSupply':
      return willSupply(m);
    case 'Loaned':
      return shipped(lc, m);
    case 'CopyCompleted':
      return copyDelivered(lc, m);
    case 'Unfilled':
    case 'RetryPossible':
      return nextSupplier(lc, unfilledWhy(m), ctx, isDuplicate(m), m.status);
    case 'Cancelled':
      return cancelledBySupplier(m);
    default:
      return undefined;
  }
}

/** A cancel accepted after we rejected loan conditions is a refusal: the rota moves on. */
function cancelAccepted(lc: Lifecycle, m: Msg, ctx: RequesterContext): Decision<RequesterState> {
  if (lc.resumeState === 'conditional') return nextSupplier(lc, annotate('accepted our cancel after we rejected its loan conditions', m.note), ctx, false, 'Cancelled');
  return decision('cancelled', { resumeState: undefined, lastStatus: 'Cancelled' }, [notify('cancelled')], annotate('the supplier accepted our cancel', m.note));
}

function cancelPendingMove(lc: Lifecycle, m: Msg, ctx: RequesterContext): Move {
  switch (m.status) {
    case 'Cancelled':
      return cancelAccepted(lc, m, ctx);
    case 'Unfilled':
    case 'RetryPossible':
      if (lc.resumeState === 'conditional') return nextSupplier(lc, unfilledWhy(m), ctx, isDuplicate(m), m.status);
      return decision('cancelled', { resumeState: undefined, lastStatus: m.status }, [notify('cancelled')], annotate(`cancelled: the supplier answered ${m.status}`, m.note));
    case 'Loaned':
      return leaving(shipped(lc, m));
    case 'CopyCompleted':
      return leaving(copyDelivered(lc, m));
    case 'RequestReceived':
    case 'ExpectToSupply':
    case 'WillSupply': {
      // The supplier has not seen our Cancel yet: remember where a refusal should bring us back to.
      const answer = answerMove('sent_to_supplier', lc, m, ctx);
      return answer && decision('cancel_pending', { ...answer.changes, resumeState: answer.state }, [], m.note);
    }
    default:
      return undefined;
  }
}

/** The item is here or on its way (shipped, received, checked_out, returned_by_patron). */
function placeMove(place: ItemPlace, lc: Lifecycle, m: Msg): Move {
  switch (m.status) {
    case 'Loaned':
      // Only with news (a repeat was dropped before): a changed due date, or Loaned again after Overdue.
      return decision(place, { ...(lc.lastStatus === 'Loaned' ? {} : { lastStatus: 'Loaned' }), ...dueDateOf(m) }, [], annotate(`due ${m.dueDate ?? lc.dueDate ?? 'date unchanged'}`, m.note));
    case 'Overdue':
      return decision('overdue', { resumeState: place, lastStatus: 'Overdue', ...dueDateOf(m) }, [notify('overdue')], m.note);
    case 'Recalled':
      return decision('recalled', { resumeState: place, lastStatus: 'Recalled', ...dueDateOf(m) }, [notify('recalled')], m.note);
    case 'CompletedWithoutReturn':
      return decision('complete', { lastStatus: 'CompletedWithoutReturn' }, [], annotate('the supplier closed the loan without a return', m.note));
    case 'LoanCompleted':
      // Only once the patron gave it back: the supplier may complete before we marked the return shipped.
      if (place !== 'returned_by_patron') return undefined;
      return decision('complete', { lastStatus: 'LoanCompleted' }, [ncip('DeleteItem')], annotate('the supplier completed the loan before we shipped it back', m.note));
    default:
      return undefined;
  }
}

function renewed(place: ItemPlace, lc: Lifecycle, m: Msg): Decision<RequesterState> {
  return decision(place, { resumeState: undefined, lastStatus: 'Loaned', renewals: (lc.renewals ?? 0) + 1, ...dueDateOf(m) }, [notify('renewed')], annotate(`renewed until ${m.dueDate ?? lc.dueDate ?? 'an unchanged due date'}`, m.note));
}

function statusMove(state: RequesterState, lc: Lifecycle, m: Msg, ctx: RequesterContext): Move {
  const place = asItemPlace(lc.resumeState);
  switch (state) {
    case 'sent_to_supplier':
    case 'expect_to_supply':
    case 'will_supply':
    case 'conditional':
      return answerMove(state, lc, m, ctx);
    case 'cancel_pending':
      return cancelPendingMove(lc, m, ctx);
    case 'shipped':
    case 'received':
    case 'checked_out':
    case 'returned_by_patron':
      return placeMove(state, lc, m);
    case 'shipped_return':
      if (m.status === 'LoanCompleted' || m.status === 'CompletedWithoutReturn') return decision('complete', { lastStatus: m.status }, [], m.note);
      if (m.status === 'Loaned' || m.status === 'Overdue' || m.status === 'Recalled') return decision(state, {}, [], annotate(`noted ${m.status}: the item is on its way back`, m.note));
      return undefined;
    case 'overdue':
      if (!place) return undefined;
      if (m.status === 'Overdue') return decision(state, dueDateOf(m), [], m.note);
      if (m.status === 'Loaned') return decision(place, { resumeState: undefined, lastStatus: 'Loaned', ...dueDateOf(m) }, [], annotate('no longer overdue', m.note));
      if (m.status === 'Recalled') return decision('recalled', { lastStatus: 'Recalled', ...dueDateOf(m) }, [notify('recalled')], m.note);
      return leaving(placeMove(place, lc, m));
    case 'recalled':
      if (!place) return undefined;
      if (m.status === 'Recalled') return decision(state, dueDateOf(m), [], m.note);
      return leaving(placeMove(place, lc, m));
    case 'renew_pending':
      if (!place) return undefined;
      // Some suppliers answer a Renew with a plain Loaned and a new due date.
      if (m.status === 'Loaned') return m.dueDate !== undefined && m.dueDate !== lc.dueDate ? renewed(place, lc, m) : decision(state, { lastStatus: 'Loaned' }, [], m.note);
      if (m.status === 'Overdue') return decision(state, { lastStatus: 'Overdue', ...dueDateOf(m) }, [notify('overdue')], m.note);
      if (m.status === 'Recalled') return decision('recalled', { lastStatus: 'Recalled' }, [notify('recalled')], annotate('recalled while our renewal was pending', m.note));
      return leaving(placeMove(place, lc, m));
    default:
      return undefined;
  }
}

function onStatus(state: RequesterState, lc: Lifecycle, m: Msg, ctx: RequesterContext, label: string): Decision<RequesterState> {
  const status = m.status;
  if (status === undefined) return onlyNote(state, m);
  if (status === lc.lastStatus && !bringsNews(lc, m)) return onlyNote(state, m);
  if (isBackward(status, lc.lastStatus)) return decision(state, {}, [], annotate(`ignored ${status} after ${lc.lastStatus ?? ''}: out of order`, m.note));
  return statusMove(state, lc, m, ctx) ?? refuse(state, label, `status ${status} cannot apply to a ${lc.serviceType} request that is ${state.replace(/_/g, ' ')}`, 'UnrecognisedDataValue');
}

/**
 * An answer when nothing is pending is refused, unless its status is one we already have (or an
 * older one): a repeated or late answer, e.g. the second copy of a RenewResponse we applied.
 */
function isLateAnswer(lc: Lifecycle, m: Msg): boolean {
  return m.status !== undefined && (m.status === lc.lastStatus || isBackward(m.status, lc.lastStatus));
}

function onCancelResponse(state: RequesterState, lc: Lifecycle, m: Msg, ctx: RequesterContext, label: string): Decision<RequesterState> {
  const accepted = m.answerYesNo === 'Y' || m.status === 'Cancelled';
  if (state === 'cancel_pending') {
    if (accepted) return cancelAccepted(lc, m, ctx);
    if (m.answerYesNo === 'N') {
      const back = lc.resumeState;
      if (!isRequesterState(back)) return refuse(state, label, 'there is no state to return to', 'UnrecognisedDataValue');
      const restored = decision(back, { resumeState: undefined }, [], annotate('the supplier refused our cancel', m.note));
      // The refusal may say why: e.g. status Loaned, the item has already left.
      if (m.status === undefined || m.status === lc.lastStatus || isBackward(m.status, lc.lastStatus)) return restored;
      const moved = statusMove(back, { ...lc, resumeState: undefined }, m, ctx);
      return moved ? { ...moved, changes: { resumeState: undefined, ...moved.changes }, note: `the supplier refused our cancel; ${moved.note ?? m.status}` } : restored;
    }
    if (m.status !== undefined) return onStatus(state, lc, m, ctx, label);
  } else if (state === 'cancelled' && accepted) {
    return onlyNote(state, m);
  } else if (isLateAnswer(lc, m)) {
    return onStatus(state, lc, m, ctx, label);
  }
  return refuse(state, label, state === 'cancel_pending' ? 'a CancelResponse needs answerYesNo' : 'no cancel is pending', state === 'cancel_pending' ? 'UnrecognisedDataValue' : 'UnsupportedReasonForMessageType');
}

function onRenewResponse(state: RequesterState, lc: Lifecycle, m: Msg, ctx: RequesterContext, label: string): Decision<RequesterState> {
  const place = asItemPlace(lc.resumeState);
  if (state === 'renew_pending' && place && m.answerYesNo === 'Y') return renewed(place, lc, m);
  if (state === 'renew_pending' && place && m.answerYesNo === 'N') {
    const refused = annotate('the supplier refused the renewal', m.note);
    const status = m.status ?? lc.lastStatus;
    const lastStatus: Partial<Lifecycle> = m.status === undefined ? {} : { lastStatus: m.status };
    if (status === 'Recalled') return decision('recalled', lastStatus, [notify('renew_refused'), notify('recalled')], refused);
    if (status === 'Overdue') return decision('overdue', lastStatus, [notify('renew_refused')], refused);
    return decision(place, { resumeState: undefined, ...lastStatus }, [notify('renew_refused')], refused);
  }
  if (state === 'renew_pending' ? m.status !== undefined : isLateAnswer(lc, m)) return onStatus(state, lc, m, ctx, label);
  return refuse(state, label, state === 'renew_pending' ? 'a RenewResponse needs answerYesNo' : 'no renewal is pending', state === 'renew_pending' ? 'UnrecognisedDataValue' : 'UnsupportedReasonForMessageType');
}

export function onSupplierMessage(state: RequesterState, lc: Lifecycle, m: Msg, ctx: RequesterContext): Decision<RequesterState> {
  const label = `supplier_message:${m.reasonForMessage}/${m.status ?? '-'}`;
  if (state === 'new' || state === 'validated' || state === 'error') return refuse(state, label, 'no request has been sent to a supplier yet', 'UnrecognisedDataValue');
  if (m.rotaIndex !== undefined && m.rotaIndex !== (lc.rotaIndex ?? 0)) {
    return decision(state, {}, [], annotate(`noted ${m.status ?? m.reasonForMessage} from ${supplierName(lc, m.rotaIndex)}, no longer the current supplier`, m.note));
  }
  switch (m.reasonForMessage) {
    case 'CancelResponse':
      return onCancelResponse(state, lc, m, ctx, label);
    case 'RenewResponse':
      return onRenewResponse(state, lc, m, ctx, label);
    case 'Notification':
      if (m.status === 'Unfilled' && (state === 'expect_to_supply' || state === 'will_supply' || state === 'conditional')) {
        return decision('sent_to_supplier', { lastStatus: undefined, loanConditions: undefined }, [], annotate('Unfilled as a Notification: the broker goes on with another supplier', m.note));
      }
      return onlyNote(state, m);
    default:
      return onStatus(state, lc, m, ctx, label);
  }
}
