/**
 * How a supply request follows the requester's requestingAgencyMessages (NOTES §4, mod-rs
 * responder), as rows per state. StatusRequest is answered in any state; Cancel before shipping
 * waits for staff, after shipping it is answered N at once; Renew of a loan waits for staff
 * (answered N at once if recalled); Received and ShippedReturn follow the item; repeats and late
 * copies are noted. A Notification a row does not list is noted; any other action it does not
 * list is refused with UnsupportedActionType.
 */
import { actionRefused, decision, refuse, sam } from './decision';
import { requesterMessageKey, type RequesterMessageKey } from './event-keys';
import { step, type Current, type Row, type Rows, type Transition } from './machine';
import type { CANCELLABLE } from './supplier-staff';
import type { RequesterMessageEvent, SupplierContext, SupplierState } from './supplier-states';
import type { Decision } from './types';

type Msg = RequesterMessageEvent;
type T = Transition<SupplierState, Msg, SupplierContext>;
type MessageRow = Row<SupplierState, RequesterMessageKey, Msg, SupplierContext>;

const say = (text: string, note: string | undefined): string => (note ? `${text} (note: ${note})` : text);
const stays = (state: SupplierState, run: T['run']): T => ({ to: [state], run });

/** The same message again, or news that changes nothing here: kept for the audit trail. */
const noted = (state: SupplierState, text?: string): T => stays(state, (_c, m) => decision(state, {}, [], text === undefined ? m.note : say(text, m.note)));

const answerStatus = (state: SupplierState): T =>
  stays(state, ({ lifecycle: lc }) => {
    const offer = lc.lastStatus === 'RetryPossible' ? lc.retryOffer : undefined;
    return decision(state, {}, [
      sam({ reasonForMessage: 'StatusRequestResponse', status: lc.lastStatus ?? 'RequestReceived', dueDate: lc.dueDate, reasonRetry: offer?.reason, retryAfter: offer?.retryAfter, retryBefore: offer?.retryBefore, offeredCosts: offer?.offeredCosts }),
    ]);
  });

const askToCancel = (state: SupplierState): T => ({
  to: ['cancel_requested'],
  run: (_c, m) => decision('cancel_requested', { resumeState: state }, [], say(state === 'conditional' ? 'the requester rejected the loan conditions and asks to cancel' : 'the requester asks to cancel', m.note)),
});

const cancelRefused = (state: SupplierState, shipping: boolean): T =>
  stays(state, ({ lifecycle: lc }) => {
    const why = shipping ? 'the item is being shipped' : 'the item has already been shipped';
    return decision(state, {}, [sam({ reasonForMessage: 'CancelResponse', status: lc.lastStatus ?? (shipping ? 'WillSupply' : 'Loaned'), answerYesNo: 'N', note: why })], `refused a cancel: ${why}`);
  });

const askToRenew = (state: SupplierState): T => ({ to: ['renew_requested'], run: (_c, m) => decision('renew_requested', { resumeState: state }, [], say('the requester asks to renew', m.note)) });

const renewRefused: T = stays('recalled', ({ lifecycle: lc }) =>
  decision('recalled', {}, [sam({ reasonForMessage: 'RenewResponse', status: 'Recalled', answerYesNo: 'N', dueDate: lc.dueDate, note: 'the item has been recalled' })], 'refused a renewal: the item has been recalled'),
);

const shippedBack = (state: SupplierState): T => ({
  to: ['returned_by_borrower'],
  run: (_c, m) => decision('returned_by_borrower', state === 'renew_requested' ? { resumeState: undefined } : {}, [], say('the requester shipped the item back', m.note)),
});

const conditionsAgreed: T = { to: ['will_supply'], run: (_c, m) => (m.conditionsAgreed ? decision('will_supply', {}, [], say('the requester agreed to the loan conditions', m.note)) : undefined) };

const beforeShipping = (state: (typeof CANCELLABLE)[number]): MessageRow => ({ 'ram:StatusRequest': answerStatus(state), 'ram:Cancel': askToCancel(state) });

const onLoan = (state: SupplierState): MessageRow => ({
  'ram:StatusRequest': answerStatus(state),
  'ram:Cancel': cancelRefused(state, false),
  'ram:Received': noted(state, 'the requester received the item'),
  'ram:ShippedReturn': shippedBack(state),
});

const late = 'late ShippedReturn: the item is already back';

/** The requester's messages each supplier state acts on. */
export const MESSAGE_ROWS: Rows<SupplierState, RequesterMessageKey, Msg, SupplierContext> = {
  received: beforeShipping('received'),
  validated: beforeShipping('validated'),
  will_supply: beforeShipping('will_supply'),
  awaiting_shipping: beforeShipping('awaiting_shipping'),
  conditional: { ...beforeShipping('conditional'), 'ram:Notification': conditionsAgreed },
  cancel_requested: { 'ram:StatusRequest': answerStatus('cancel_requested'), 'ram:Cancel': noted('cancel_requested') },
  shipping: { 'ram:StatusRequest': answerStatus('shipping'), 'ram:Cancel': cancelRefused('shipping', true) },
  shipped: { ...onLoan('shipped'), 'ram:Renew': askToRenew('shipped') },
  overdue: { ...onLoan('overdue'), 'ram:Renew': askToRenew('overdue') },
  recalled: { ...onLoan('recalled'), 'ram:Renew': renewRefused },
  renew_requested: { ...onLoan('renew_requested'), 'ram:Renew': noted('renew_requested') },
  returned_by_borrower: { 'ram:StatusRequest': answerStatus('returned_by_borrower'), 'ram:Received': noted('returned_by_borrower', 'the requester received the item'), 'ram:ShippedReturn': noted('returned_by_borrower') },
  checked_in: { 'ram:StatusRequest': answerStatus('checked_in'), 'ram:Received': noted('checked_in', 'the requester received the item'), 'ram:ShippedReturn': noted('checked_in', late) },
  complete: {
    'ram:StatusRequest': answerStatus('complete'),
    'ram:Received': noted('complete', 'the requester received the item'),
    // A copy has no return.
    'ram:ShippedReturn': stays('complete', (c, m, ctx) => (c.lifecycle.lastStatus === 'CopyCompleted' ? undefined : noted('complete', late).run(c, m, ctx))),
  },
  unfilled: { 'ram:StatusRequest': answerStatus('unfilled') },
  cancelled: { 'ram:StatusRequest': answerStatus('cancelled'), 'ram:Cancel': noted('cancelled') },
  // The transaction ended with our offer; a broker hub may still pass on the requester's Cancel.
  retry_offered: { 'ram:StatusRequest': answerStatus('retry_offered'), 'ram:Cancel': noted('retry_offered', 'a Cancel after our retry offer: nothing is open') },
};

export function onRequesterMessage(current: Current<SupplierState>, m: Msg, ctx: SupplierContext): Decision<SupplierState> {
  const { state } = current;
  const d = step(MESSAGE_ROWS, requesterMessageKey(m), current, m, ctx);
  if (d) return d;
  if (m.action === 'Notification') return decision(state, {}, [], m.note);
  const is = `the request is ${state.replace(/_/g, ' ')}`;
  const why = actionRefused(m.action, is, { Cancel: `there is nothing left to cancel: ${is}`, Renew: `only an item on loan can be renewed; ${is}` });
  return refuse(state, `requester_message:${m.action}`, why, 'UnsupportedActionType');
}
