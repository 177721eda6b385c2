/**
 * How a borrowing request follows its supplier's supplyingAgencyMessages (NOTES §3–§5, §7), as
 * rows per state. Before any row is read:
 * - nothing is accepted before the request went to a supplier; a message of a supplier the rota
 *   moved on from is noted;
 * - a status message without a status, with the status we already have (and no new due date or
 *   conditions), or with an older one (CrossLink) is noted and changes nothing;
 * - a CancelResponse or RenewResponse that nothing waits for is refused, unless it is a late copy
 *   (a status we have, or an older one): then it is that status message.
 * A Notification a row does not list is noted; any other message it does not list is refused
 * with UnrecognisedDataValue (`status X cannot apply ...`).
 */
import { decision, ncip, notify, refuse } from './decision';
import { statusKey, supplierMessageKey, type SupplierMessageKey } from './event-keys';
import { step, type Current, type Row, type Rows, type Transition } from './machine';
import { asItemPlace, ITEM_PLACES } from './requester-states';
import type { ItemPlace, RequesterContext, RequesterState, SupplierMessageEvent } from './requester-states';
import { OFFER_DONE, offerReceived } from './requester-retry';
import { nextSupplier, supplierName } from './rota';
import { isBackward } from './statuses';
import type { Decision, Lifecycle } from './types';

type Msg = SupplierMessageEvent;
type T = Transition<RequesterState, Msg, RequesterContext>;
type MessageRow = Row<RequesterState, SupplierMessageKey, Msg, RequesterContext>;
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

function unfilledWhy(m: Msg): string {
  const reason = m.status === 'RetryPossible' ? m.reasonRetry : m.reasonUnfilled;
  return annotate(`answered ${m.status ?? ''}${reason ? ` (${reason})` : ''}`, m.note);
}

/** Unfilled with reasonUnfilled Duplicate ends the request: no other supplier can change that (NOTES §7.7). */
const isDuplicate = (m: Msg): boolean => m.reasonUnfilled?.toLowerCase() === 'duplicate';

const stays = (state: RequesterState, run: T['run']): T => ({ to: [state], run });

// --- while waiting for the supplier's answer: sent_to_supplier, expect_to_supply, will_supply, conditional

const willSupply: T = {
  to: ['will_supply', 'conditional'],
  run: (_c, m) => {
    const conditions = m.loanConditions ?? [];
    if (conditions.length > 0) return decision('conditional', { lastStatus: 'WillSupply', loanConditions: conditions }, [], annotate(`loan conditions: ${conditions.join(', ')}`, m.note));
    return decision('will_supply', { lastStatus: 'WillSupply' }, [], m.note);
  },
};

const shipped: T = { to: ['shipped'], run: ({ lifecycle: lc }, m) => (lc.serviceType === 'Copy' ? undefined : decision('shipped', { lastStatus: 'Loaned', ...dueDateOf(m) }, [notify('shipped')], m.note)) };

const copyDelivered: T = { to: ['complete'], run: ({ lifecycle: lc }, m) => (lc.serviceType === 'Loan' ? undefined : decision('complete', { lastStatus: 'CopyCompleted' }, [notify('delivered')], m.note)) };

const nextInRota: T = { to: ['sent_to_supplier', 'unfilled'], run: ({ lifecycle: lc }, m, ctx) => nextSupplier(lc, unfilledWhy(m), ctx, isDuplicate(m), m.status) };

const cancelledBySupplier: T = {
  to: ['cancelled'],
  run: (_c, m) => decision('cancelled', { lastStatus: 'Cancelled', reason: 'cancelled by the supplier' }, [notify('cancelled')], annotate('the supplier cancelled the request', m.note)),
};

/** Unfilled sent as a Notification: a broker goes on with another supplier (mod-rs "UnfilledContinue"). */
const brokerGoesOn: T = {
  to: ['sent_to_supplier'],
  run: (_c, m) => (m.status === 'Unfilled' ? decision('sent_to_supplier', { lastStatus: undefined, loanConditions: undefined }, [], annotate('Unfilled as a Notification: the broker goes on with another supplier', m.note)) : undefined),
};

const directOffer = offerReceived(false);
const offerThroughHub = offerReceived(true);

/** A broker's Notification: a retry offer it relays, or (once it had answered) Unfilled as it goes on. */
const brokerNotification = (state: RequesterState): T => ({
  to: state === 'sent_to_supplier' ? ['retry_offered'] : ['retry_offered', 'sent_to_supplier'],
  run: (c, m, ctx) => (m.status === 'RetryPossible' ? offerThroughHub.run(c, m, ctx) : state === 'sent_to_supplier' ? undefined : brokerGoesOn.run(c, m, ctx)),
});

type AnswerState = 'sent_to_supplier' | 'expect_to_supply' | 'will_supply' | 'conditional';

function answerRow(state: AnswerState): MessageRow {
  return {
    'sam:RequestReceived': stays(state, (_c, m) => decision(state, { lastStatus: 'RequestReceived' }, [], m.note)),
    'sam:ExpectToSupply': { to: ['expect_to_supply'], run: (_c, m) => decision('expect_to_supply', { lastStatus: 'ExpectToSupply' }, [], m.note) },
    'sam:WillSupply': willSupply,
    'sam:Loaned': shipped,
    'sam:CopyCompleted': copyDelivered,
    'sam:Unfilled': nextInRota,
    'sam:RetryPossible': directOffer,
    'sam:Cancelled': cancelledBySupplier,
    'sam:Notification': brokerNotification(state),
  };
}

// --- retry_offered, retry_scheduled: a supplier's offer waits for staff (requester-retry.ts)

/**
 * A direct supplier's transaction ended with its offer: it has nothing more to say. A broker hub
 * may go on by itself (its timer for the offer ran out first): its messages are then those of a
 * request waiting for an answer, and the offer is gone.
 */
function offerRow(): MessageRow {
  const row: Record<string, T> = {};
  for (const [key, t] of Object.entries(answerRow('expect_to_supply')) as [SupplierMessageKey, T][]) {
    if (key === 'sam:RequestReceived') continue;
    row[key] = {
      to: key === 'sam:Notification' ? [...t.to, 'expect_to_supply'] : t.to,
      run: (c, m, ctx) => {
        if (!c.lifecycle.retryOffer?.throughHub) return undefined;
        // The hub's "asking the next supplier" Notification: the offer is withdrawn.
        if (key === 'sam:Notification' && m.status === 'ExpectToSupply') return decision('expect_to_supply', OFFER_DONE, [], annotate('the broker withdrew the retry offer and goes on', m.note));
        const d = t.run({ ...c, state: 'expect_to_supply' }, m, ctx);
        return d && (d.state === 'retry_offered' ? d : { ...d, changes: { ...OFFER_DONE, ...d.changes } });
      },
    };
  }
  return row;
}

// --- cancel_pending: our Cancel is with the supplier

/** Where a refused cancel returns to: the states staff can cancel from once the request went out. */
const CANCELLABLE = ['sent_to_supplier', 'expect_to_supply', 'will_supply', 'conditional'] as const;
const isCancellable = (s: string | undefined): s is (typeof CANCELLABLE)[number] => (CANCELLABLE as readonly (string | undefined)[]).includes(s);

/** A cancel accepted after we rejected loan conditions is a refusal: the rota moves on. */
function cancelAccepted(lc: Lifecycle, m: Msg, ctx: RequesterContext): Decision<RequesterState> {
  if (lc.resumeState === 'conditional') return nextSupplier(lc, annotate('accepted our cancel after we rejected its loan conditions', m.note), ctx, false, 'Cancelled');
  return decision('cancelled', { resumeState: undefined, lastStatus: 'Cancelled' }, [notify('cancelled')], annotate('the supplier accepted our cancel', m.note));
}

const cancelEnds: T['to'] = ['cancelled', 'sent_to_supplier', 'unfilled'];

const unfilledWhileCancelling: T = {
  to: cancelEnds,
  run: ({ lifecycle: lc }, m, ctx) => {
    if (lc.resumeState === 'conditional') return nextSupplier(lc, unfilledWhy(m), ctx, isDuplicate(m), m.status);
    return decision('cancelled', { resumeState: undefined, lastStatus: m.status }, [notify('cancelled')], annotate(`cancelled: the supplier answered ${m.status}`, m.note));
  },
};

/** The supplier has not seen our Cancel yet: remember where a refusal should bring us back to. */
const notYetSeenCancel: T = {
  to: ['cancel_pending'],
  run: ({ lifecycle: lc }, m, ctx) => {
    const answer = step(MESSAGE_ROWS, statusKey(m), { state: 'sent_to_supplier', lifecycle: lc }, m, ctx);
    return answer && decision('cancel_pending', { ...answer.changes, resumeState: answer.state }, [], m.note);
  },
};

const cancelResponse: T = {
  // Y ends the cancel; N returns where we were, and follows the status it may bring (e.g. Loaned).
  to: ['cancelled', 'unfilled', ...CANCELLABLE, 'shipped', 'complete', 'cancel_pending', 'retry_offered'],
  run: (current, m, ctx) => {
    const lc = current.lifecycle;
    if (m.answerYesNo === 'Y' || m.status === 'Cancelled') return cancelAccepted(lc, m, ctx);
    if (m.answerYesNo === 'N') {
      const back = lc.resumeState;
      if (!isCancellable(back)) return refuse(current.state, labelOf(m), 'there is no state to return to', 'UnrecognisedDataValue');
      const restored = decision(back, { resumeState: undefined }, [], annotate('the supplier refused our cancel', m.note));
      if (m.status === undefined || m.status === lc.lastStatus || isBackward(m.status, lc.lastStatus)) return restored;
      const moved = step(MESSAGE_ROWS, statusKey(m), { state: back, lifecycle: { ...lc, resumeState: undefined } }, m, ctx);
      return moved ? { ...moved, changes: { resumeState: undefined, ...moved.changes }, note: `the supplier refused our cancel; ${moved.note ?? m.status}` } : restored;
    }
    // Without answerYesNo a status still counts as a status message.
    return m.status === undefined ? undefined : onStatus(current, m, ctx);
  },
};

const CANCEL_PENDING: MessageRow = {
  'sam:RequestReceived': notYetSeenCancel,
  'sam:ExpectToSupply': notYetSeenCancel,
  'sam:WillSupply': notYetSeenCancel,
  'sam:Loaned': { to: ['shipped'], run: (c, m, ctx) => leaving(shipped.run(c, m, ctx)) },
  'sam:CopyCompleted': { to: ['complete'], run: (c, m, ctx) => leaving(copyDelivered.run(c, m, ctx)) },
  'sam:Unfilled': unfilledWhileCancelling,
  'sam:RetryPossible': unfilledWhileCancelling,
  'sam:Cancelled': { to: cancelEnds, run: ({ lifecycle: lc }, m, ctx) => cancelAccepted(lc, m, ctx) },
  'sam:CancelResponse': cancelResponse,
};

// --- the item is here or on its way: shipped, received, checked_out, returned_by_patron

function placeRow(place: ItemPlace): MessageRow {
  return {
    // Only with news (a repeat is noted before): a changed due date, or Loaned again after Overdue.
    'sam:Loaned': stays(place, ({ lifecycle: lc }, m) =>
      decision(place, { ...(lc.lastStatus === 'Loaned' ? {} : { lastStatus: 'Loaned' }), ...dueDateOf(m) }, [], annotate(`due ${m.dueDate ?? lc.dueDate ?? 'date unchanged'}`, m.note)),
    ),
    'sam:Overdue': { to: ['overdue'], run: (_c, m) => decision('overdue', { resumeState: place, lastStatus: 'Overdue', ...dueDateOf(m) }, [notify('overdue')], m.note) },
    'sam:Recalled': { to: ['recalled'], run: (_c, m) => decision('recalled', { resumeState: place, lastStatus: 'Recalled', ...dueDateOf(m) }, [notify('recalled')], m.note) },
    'sam:CompletedWithoutReturn': { to: ['complete'], run: (_c, m) => decision('complete', { lastStatus: 'CompletedWithoutReturn' }, [], annotate('the supplier closed the loan without a return', m.note)) },
    // Only once the patron gave it back: the supplier may complete before we marked the return shipped.
    ...(place === 'returned_by_patron'
      ? { 'sam:LoanCompleted': { to: ['complete'], run: (_c, m) => decision('complete', { lastStatus: 'LoanCompleted' }, [ncip('DeleteItem')], annotate('the supplier completed the loan before we shipped it back', m.note)) } satisfies T }
      : {}),
  };
}

// --- overdue, recalled, renew_pending: waiting, with the item at `resumeState`

/** The item's place row decides, and the waiting state is left. */
function asAtPlace(key: SupplierMessageKey, to: T['to']): T {
  return {
    to,
    run: ({ lifecycle: lc }, m, ctx) => {
      const place = asItemPlace(lc.resumeState);
      return place && leaving(step(MESSAGE_ROWS, key, { state: place, lifecycle: lc }, m, ctx));
    },
  };
}

/** The same status again, with news (a new due date): stay. */
const again = (state: RequesterState): T => stays(state, ({ lifecycle: lc }, m) => (asItemPlace(lc.resumeState) ? decision(state, dueDateOf(m), [], m.note) : undefined));

const recalledFromWaiting = (note: (m: Msg) => string | undefined, keepDueDate: boolean): T => ({
  to: ['recalled'],
  run: ({ lifecycle: lc }, m) => (asItemPlace(lc.resumeState) ? decision('recalled', { lastStatus: 'Recalled', ...(keepDueDate ? dueDateOf(m) : {}) }, [notify('recalled')], note(m)) : undefined),
});

const completedFromPlace = {
  'sam:CompletedWithoutReturn': asAtPlace('sam:CompletedWithoutReturn', ['complete']),
  'sam:LoanCompleted': asAtPlace('sam:LoanCompleted', ['complete']),
} satisfies MessageRow;

const OVERDUE: MessageRow = {
  'sam:Overdue': again('overdue'),
  'sam:Loaned': {
    to: ITEM_PLACES,
    run: ({ lifecycle: lc }, m) => {
      const place = asItemPlace(lc.resumeState);
      return place && decision(place, { resumeState: undefined, lastStatus: 'Loaned', ...dueDateOf(m) }, [], annotate('no longer overdue', m.note));
    },
  },
  'sam:Recalled': recalledFromWaiting((m) => m.note, true),
  ...completedFromPlace,
};

const RECALLED: MessageRow = {
  'sam:Recalled': again('recalled'),
  'sam:Loaned': asAtPlace('sam:Loaned', ITEM_PLACES),
  'sam:Overdue': asAtPlace('sam:Overdue', ['overdue']),
  ...completedFromPlace,
};

function renewed(place: ItemPlace, lc: Lifecycle, m: Msg): Decision<RequesterState> {
  return decision(place, { resumeState: undefined, lastStatus: 'Loaned', renewals: (lc.renewals ?? 0) + 1, ...dueDateOf(m) }, [notify('renewed')], annotate(`renewed until ${m.dueDate ?? lc.dueDate ?? 'an unchanged due date'}`, m.note));
}

const renewResponse: T = {
  to: [...ITEM_PLACES, 'recalled', 'overdue', 'renew_pending', 'complete'],
  run: (current, m, ctx) => {
    const lc = current.lifecycle;
    const place = asItemPlace(lc.resumeState);
    if (place && m.answerYesNo === 'Y') return renewed(place, lc, m);
    if (place && m.answerYesNo === 'N') {
      const refused = annotate('the supplier refused the renewal', m.note);
      const status = m.status ?? lc.lastStatus;
      const lastStatus: Partial<Lifecycle> = m.status === undefined ? {} : { lastStatus: m.status };
      if (status === 'Recalled') return decision('recalled', lastStatus, [notify('renew_refused'), notify('recalled')], refused);
      if (status === 'Overdue') return decision('overdue', lastStatus, [notify('renew_refused')], refused);
      return decision(place, { resumeState: undefined, ...lastStatus }, [notify('renew_refused')], refused);
    }
    return m.status === undefined ? undefined : onStatus(current, m, ctx);
  },
};

const RENEW_PENDING: MessageRow = {
  // Some suppliers answer a Renew with a plain Loaned and a new due date.
  'sam:Loaned': {
    to: [...ITEM_PLACES, 'renew_pending'],
    run: ({ lifecycle: lc }, m) => {
      const place = asItemPlace(lc.resumeState);
      if (!place) return undefined;
      return m.dueDate !== undefined && m.dueDate !== lc.dueDate ? renewed(place, lc, m) : decision('renew_pending', { lastStatus: 'Loaned' }, [], m.note);
    },
  },
  'sam:Overdue': stays('renew_pending', ({ lifecycle: lc }, m) => (asItemPlace(lc.resumeState) ? decision('renew_pending', { lastStatus: 'Overdue', ...dueDateOf(m) }, [notify('overdue')], m.note) : undefined)),
  'sam:Recalled': recalledFromWaiting((m) => annotate('recalled while our renewal was pending', m.note), false),
  ...completedFromPlace,
  'sam:RenewResponse': renewResponse,
};

// --- shipped_return: the item is on its way back

const loanEnded: T = { to: ['complete'], run: (_c, m) => decision('complete', { lastStatus: m.status }, [], m.note) };
const onItsWayBack: T = stays('shipped_return', (_c, m) => decision('shipped_return', {}, [], annotate(`noted ${m.status ?? ''}: the item is on its way back`, m.note)));

const SHIPPED_RETURN: MessageRow = {
  'sam:LoanCompleted': loanEnded,
  'sam:CompletedWithoutReturn': loanEnded,
  'sam:Loaned': onItsWayBack,
  'sam:Overdue': onItsWayBack,
  'sam:Recalled': onItsWayBack,
};

/** The supplier's messages each requester state acts on. */
export const MESSAGE_ROWS: Rows<RequesterState, SupplierMessageKey, Msg, RequesterContext> = {
  new: {},
  validated: {},
  local_review: {},
  error: {},
  sent_to_supplier: answerRow('sent_to_supplier'),
  expect_to_supply: answerRow('expect_to_supply'),
  will_supply: answerRow('will_supply'),
  conditional: answerRow('conditional'),
  cancel_pending: CANCEL_PENDING,
  retry_offered: offerRow(),
  retry_scheduled: offerRow(),
  shipped: placeRow('shipped'),
  received: placeRow('received'),
  checked_out: placeRow('checked_out'),
  returned_by_patron: placeRow('returned_by_patron'),
  shipped_return: SHIPPED_RETURN,
  overdue: OVERDUE,
  recalled: RECALLED,
  renew_pending: RENEW_PENDING,
  complete: {},
  cancelled: {},
  unfilled: {},
  filled_locally: {},
  closed: {},
};

// ---------------------------------------------------------------------------------------------

// filled_locally ended before anything went out: no partner has the request to write about.
const NOT_SENT: readonly RequesterState[] = ['new', 'validated', 'local_review', 'error', 'filled_locally'];

const labelOf = (m: Msg): string => `supplier_message:${m.reasonForMessage}/${m.status ?? '-'}`;

/** A status message: repeats and older statuses are noted, a new one is the state's row for it. */
function onStatus(current: Current<RequesterState>, m: Msg, ctx: RequesterContext): Decision<RequesterState> {
  const { state, lifecycle: lc } = current;
  const status = m.status;
  if (status === undefined) return onlyNote(state, m);
  if (status === lc.lastStatus && !bringsNews(lc, m)) return onlyNote(state, m);
  if (isBackward(status, lc.lastStatus)) return decision(state, {}, [], annotate(`ignored ${status} after ${lc.lastStatus ?? ''}: out of order`, m.note));
  return (
    step(MESSAGE_ROWS, statusKey(m), current, m, ctx) ??
    refuse(state, labelOf(m), `status ${status} cannot apply to a ${lc.serviceType} request that is ${state.replace(/_/g, ' ')}`, 'UnrecognisedDataValue')
  );
}

/** A repeated or late answer, e.g. the second copy of a RenewResponse we applied: its status is one we have, or older. */
function isLateAnswer(lc: Lifecycle, m: Msg): boolean {
  return m.status !== undefined && (m.status === lc.lastStatus || isBackward(m.status, lc.lastStatus));
}

function onAnswer(current: Current<RequesterState>, key: 'sam:CancelResponse' | 'sam:RenewResponse', m: Msg, ctx: RequesterContext): Decision<RequesterState> {
  const { state, lifecycle: lc } = current;
  if (MESSAGE_ROWS[state][key]) return step(MESSAGE_ROWS, key, current, m, ctx) ?? refuse(state, labelOf(m), `a ${m.reasonForMessage} needs answerYesNo`, 'UnrecognisedDataValue');
  if (key === 'sam:CancelResponse' && state === 'cancelled' && (m.answerYesNo === 'Y' || m.status === 'Cancelled')) return onlyNote(state, m);
  if (isLateAnswer(lc, m)) return onStatus(current, m, ctx);
  return refuse(state, labelOf(m), key === 'sam:CancelResponse' ? 'no cancel is pending' : 'no renewal is pending', 'UnsupportedReasonForMessageType');
}

export function onSupplierMessage(current: Current<RequesterState>, m: Msg, ctx: RequesterContext): Decision<RequesterState> {
  const { state, lifecycle: lc } = current;
  if (NOT_SENT.includes(state)) return refuse(state, labelOf(m), 'no request has been sent to a supplier yet', 'UnrecognisedDataValue');
  if (m.rotaIndex !== undefined && m.rotaIndex !== (lc.rotaIndex ?? 0)) {
    return decision(state, {}, [], annotate(`noted ${m.status ?? m.reasonForMessage} from ${supplierName(lc, m.rotaIndex)}, no longer the current supplier`, m.note));
  }
  if (m.earlierTransaction !== undefined) return decision(state, {}, [], annotate(`noted ${m.status ?? m.reasonForMessage} about ${m.earlierTransaction}, the transaction before a retry`, m.note));
  const key = supplierMessageKey(m);
  switch (key) {
    case 'sam:CancelResponse':
    case 'sam:RenewResponse':
      return onAnswer(current, key, m, ctx);
    case 'sam:Notification':
      return step(MESSAGE_ROWS, key, current, m, ctx) ?? onlyNote(state, m);
    default:
      return onStatus(current, m, ctx);
  }
}
