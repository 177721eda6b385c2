/**
 * The broker hub's rows for partners' messages. Before any row is read, a supplier's message is
 * noted (not relayed) when its sender is a supplier the hub moved on from, when the transaction
 * has ended, or when its status is older than the last one (out of order); the requester's
 * messages are refused once the transaction has ended. A late CancelResponse that nothing waits
 * for is noted. Any other message a row does not list is refused: a supplier's with
 * UnrecognisedDataValue (UnsupportedReasonForMessageType for an answer), the requester's with
 * UnsupportedActionType.
 */
import { actionRefused, decision, refuse } from './decision';
import { annotate, moveOn, pass, relay } from './broker-hub';
import { cancelledWithOffer, offerRelayed, retryDeclined } from './broker-retry';
import { BROKER_STATES } from './broker-states';
import type { BrokerContext, BrokerState } from './broker-states';
import { supplierMessageKey, type RequesterMessageKey, type SupplierMessageKey } from './event-keys';
import { step, type Current, type Row, type Rows, type Transition } from './machine';
import type { SupplierMessageEvent } from './requester-states';
import { supplierName } from './rota';
import { isBackward } from './statuses';
import type { RequesterMessageEvent } from './supplier-states';
import type { Decision, Lifecycle } from './types';

type Sam = SupplierMessageEvent;
type Ram = RequesterMessageEvent;
type T = Transition<BrokerState, Sam, BrokerContext>;
type SamRow = Row<BrokerState, SupplierMessageKey, Sam, BrokerContext>;
type RamRow = Row<BrokerState, RequesterMessageKey, Ram, BrokerContext>;

const stays = <E>(state: BrokerState, run: Transition<BrokerState, E, BrokerContext>['run']): Transition<BrokerState, E, BrokerContext> => ({ to: [state], run });
const from = (lc: Lifecycle): string => supplierName(lc);
const dueDateOf = (m: Sam): Partial<Lifecycle> => (m.dueDate === undefined ? {} : { dueDate: m.dueDate });
/** A repeated or older status: the requester has heard it. */
const isLate = (lc: Lifecycle, m: Sam): boolean => m.status !== undefined && (m.status === lc.lastStatus || isBackward(m.status, lc.lastStatus));

function unfilledWhy(m: Sam): string {
  const reason = m.status === 'RetryPossible' ? m.reasonRetry : m.reasonUnfilled;
  return annotate(`answered ${m.status ?? ''}${reason ? ` (${reason})` : ''}`, m.note);
}

const isDuplicate = (m: Sam): boolean => m.reasonUnfilled?.toLowerCase() === 'duplicate';

/** Relayed as it is, in every open state. */
const relayed = (state: BrokerState): SamRow => ({
  'sam:Notification': stays(state, ({ lifecycle: lc }, m) => decision(state, {}, [relay(lc, m)], annotate(`relayed a notification from ${from(lc)}`, m.note))),
  'sam:no-status': stays(state, ({ lifecycle: lc }, m) => decision(state, {}, [relay(lc, m)], annotate(`relayed a note from ${from(lc)}`, m.note))),
});

// --- before shipping: searching, expect_to_supply, will_supply, conditional

/** RequestReceived / ExpectToSupply: the requester already heard ExpectToSupply from the hub; later on this is a late copy. */
const acknowledged = (state: BrokerState): T =>
  state === 'searching'
    ? { to: ['expect_to_supply'], run: ({ lifecycle: lc }, m) => decision('expect_to_supply', { lastStatus: m.status }, [], annotate(`${from(lc)} answered ${m.status}`, m.note)) }
    : stays(state, ({ lifecycle: lc }, m) => decision(state, {}, [], annotate(`noted ${m.status} from ${from(lc)}`, m.note)));

const willSupply: T = {
  to: ['will_supply', 'conditional'],
  run: ({ lifecycle: lc }, m) => {
    const conditions = m.loanConditions ?? [];
    const to: BrokerState = conditions.length > 0 ? 'conditional' : 'will_supply';
    return decision(to, { lastStatus: 'WillSupply', ...(conditions.length > 0 ? { loanConditions: conditions } : {}) }, [relay(lc, m)], annotate(`${from(lc)} will supply${conditions.length > 0 ? ` on conditions: ${conditions.join(', ')}` : ''}`, m.note));
  },
};

const loaned = (beforeCancel: boolean): T => ({
  to: ['shipped'],
  run: ({ lifecycle: lc }, m) => {
    if (lc.serviceType === 'Copy') return undefined;
    if (beforeCancel) return decision('shipped', { resumeState: undefined, lastStatus: 'Loaned', ...dueDateOf(m) }, [relay(lc, m)], annotate(`${from(lc)} shipped the item before the cancel reached it`, m.note));
    return decision('shipped', { lastStatus: 'Loaned', ...dueDateOf(m) }, [relay(lc, m)], annotate(`${from(lc)} shipped the item${m.dueDate ? `, due ${m.dueDate}` : ''}`, m.note));
  },
});

const copyDelivered = (beforeCancel: boolean): T => ({
  to: ['complete'],
  run: ({ lifecycle: lc }, m) => {
    if (lc.serviceType === 'Loan') return undefined;
    if (beforeCancel) return decision('complete', { resumeState: undefined, lastStatus: 'CopyCompleted' }, [relay(lc, m)], annotate(`${from(lc)} delivered the copy before the cancel reached it`, m.note));
    return decision('complete', { lastStatus: 'CopyCompleted' }, [relay(lc, m)], annotate(`${from(lc)} delivered the copy`, m.note));
  },
});

const nextSupplier: T = { to: ['searching', 'unfilled'], run: ({ state, lifecycle: lc }, m, ctx) => moveOn(state, lc, unfilledWhy(m), ctx, isDuplicate(m), m) };

const cancelledBySupplier: T = {
  to: ['cancelled'],
  run: ({ lifecycle: lc }, m) => decision('cancelled', { lastStatus: 'Cancelled', reason: `cancelled by ${from(lc)}` }, [relay(lc, m)], annotate(`${from(lc)} cancelled the request; no other supplier is tried`, m.note)),
};

const beforeShipping = (state: BrokerState): SamRow => ({
  'sam:RequestReceived': acknowledged(state),
  'sam:ExpectToSupply': acknowledged(state),
  'sam:WillSupply': willSupply,
  'sam:Loaned': loaned(false),
  'sam:CopyCompleted': copyDelivered(false),
  'sam:Unfilled': nextSupplier,
  'sam:RetryPossible': offerRelayed,
  'sam:Cancelled': cancelledBySupplier,
  ...relayed(state),
});

// --- cancel_pending: the requester's Cancel is with the supplier; the rota is over

/** Where the requester's Cancel can come from, and a refused one returns to. */
const CANCELLABLE = ['searching', 'expect_to_supply', 'will_supply', 'conditional'] as const satisfies readonly BrokerState[];
const cancellable = (s: string | undefined): (typeof CANCELLABLE)[number] | undefined => CANCELLABLE.find((c) => c === s);

const cancelEnded: T = {
  to: ['cancelled'],
  run: ({ lifecycle: lc }, m) => decision('cancelled', { resumeState: undefined, lastStatus: m.status }, [relay(lc, m)], annotate(`cancelled: ${from(lc)} answered ${m.status}`, m.note)),
};

const notYetSeenCancel: T = stays('cancel_pending', ({ lifecycle: lc }, m) =>
  decision('cancel_pending', { lastStatus: m.status, ...(lc.resumeState === 'searching' ? { resumeState: 'expect_to_supply' } : {}) }, [], annotate(`${from(lc)} answered ${m.status}; the cancel is pending`, m.note)),
);

const cancelResponse: T = {
  to: ['cancelled', 'shipped', ...CANCELLABLE],
  run: ({ lifecycle: lc }, m) => {
    if (m.answerYesNo === 'Y' || m.status === 'Cancelled') return decision('cancelled', { resumeState: undefined, lastStatus: 'Cancelled' }, [relay(lc, m)], annotate(`${from(lc)} accepted the cancel`, m.note));
    if (m.answerYesNo !== 'N') return undefined;
    const back: BrokerState = m.status === 'Loaned' ? 'shipped' : (cancellable(lc.resumeState) ?? 'will_supply');
    return decision(back, { resumeState: undefined, ...(m.status && !isLate(lc, m) ? { lastStatus: m.status } : {}), ...dueDateOf(m) }, [relay(lc, m)], annotate(`${from(lc)} refused the cancel`, m.note));
  },
};

const CANCEL_PENDING: SamRow = {
  'sam:RequestReceived': notYetSeenCancel,
  'sam:ExpectToSupply': notYetSeenCancel,
  'sam:WillSupply': stays('cancel_pending', ({ lifecycle: lc }, m) => {
    const conditional = (m.loanConditions ?? []).length > 0;
    return decision('cancel_pending', { lastStatus: 'WillSupply', resumeState: conditional ? 'conditional' : 'will_supply' }, [relay(lc, m)], annotate(`${from(lc)} will supply; the cancel is pending`, m.note));
  }),
  'sam:Loaned': loaned(true),
  'sam:CopyCompleted': copyDelivered(true),
  'sam:Unfilled': cancelEnded,
  'sam:RetryPossible': cancelEnded,
  'sam:Cancelled': cancelEnded,
  'sam:CancelResponse': cancelResponse,
  ...relayed('cancel_pending'),
};

// --- shipped, returned: the loan runs through the hub

const loanNews = (state: BrokerState): T =>
  stays(state, ({ lifecycle: lc }, m) => decision(state, { ...(m.status === lc.lastStatus ? {} : { lastStatus: m.status }), ...dueDateOf(m) }, [relay(lc, m)], annotate(`relayed ${m.status} from ${from(lc)}`, m.note)));

const loanCompleted: T = { to: ['complete'], run: ({ lifecycle: lc }, m) => decision('complete', { lastStatus: m.status }, [relay(lc, m)], annotate(`${from(lc)} completed the loan (${m.status})`, m.note)) };

const onLoan = (state: 'shipped' | 'returned'): SamRow => ({
  'sam:Loaned': loanNews(state),
  'sam:Overdue': loanNews(state),
  'sam:Recalled': loanNews(state),
  'sam:LoanCompleted': loanCompleted,
  'sam:CompletedWithoutReturn': loanCompleted,
  'sam:CancelResponse': stays(state, ({ lifecycle: lc }, m) => decision(state, {}, [relay(lc, m)], annotate(`${from(lc)} refused the cancel: the item has been shipped`, m.note))),
  ...relayed(state),
});

const renewResponse: T = stays('shipped', ({ lifecycle: lc }, m) =>
  decision('shipped', { ...(m.status && !isLate(lc, m) ? { lastStatus: m.status } : {}), ...dueDateOf(m) }, [relay(lc, m)], annotate(`${from(lc)} ${m.answerYesNo === 'Y' ? 'renewed the loan' : 'refused the renewal'}`, m.note)),
);

/** The suppliers' messages each hub state acts on. */
export const SUPPLIER_MESSAGE_ROWS: Rows<BrokerState, SupplierMessageKey, Sam, BrokerContext> = {
  searching: beforeShipping('searching'),
  expect_to_supply: beforeShipping('expect_to_supply'),
  will_supply: beforeShipping('will_supply'),
  conditional: beforeShipping('conditional'),
  // The supplier's transaction ended with its offer: only its notes are relayed, a repeat is noted.
  retry_offered: { ...relayed('retry_offered'), 'sam:RetryPossible': stays('retry_offered', ({ lifecycle: lc }, m) => decision('retry_offered', {}, [], annotate(`noted RetryPossible again from ${from(lc)}`, m.note))) },
  cancel_pending: CANCEL_PENDING,
  shipped: { ...onLoan('shipped'), 'sam:RenewResponse': renewResponse },
  returned: onLoan('returned'),
  complete: {},
  cancelled: {},
  unfilled: {},
  closed: {},
};

// --- the requester's messages

type R = Transition<BrokerState, Ram, BrokerContext>;

const passed = (state: BrokerState, text: (to: string) => string): R => stays(state, ({ lifecycle: lc }, m) => decision(state, {}, [pass(lc, m)], annotate(text(supplierName(lc)), m.note)));

const cancels: R = {
  to: ['cancel_pending'],
  run: ({ state, lifecycle: lc }, m) => decision('cancel_pending', { resumeState: state }, [pass(lc, m)], annotate(`the requester cancels: relayed to ${supplierName(lc)}; no other supplier will be asked`, m.note)),
};

const notification = (state: BrokerState): R => passed(state, (to) => `relayed a notification to ${to}`);

/** Notification and StatusRequest go to the current supplier in every open state. */
const talks = (state: BrokerState): RamRow => ({
  'ram:Notification': notification(state),
  'ram:StatusRequest': stays(state, ({ lifecycle: lc }, m) => decision(state, {}, [pass(lc, m)], `relayed a status request to ${supplierName(lc)}`)),
});

const agreesToConditions: R = {
  to: ['will_supply', 'conditional'],
  run: (c, m, ctx) =>
    m.conditionsAgreed ? decision('will_supply', {}, [pass(c.lifecycle, m)], annotate(`the requester agreed to the loan conditions; relayed to ${supplierName(c.lifecycle)}`, m.note)) : notification('conditional').run(c, m, ctx),
};

const cancelAfterShipping = (state: BrokerState): R => passed(state, (to) => `relayed the requester's Cancel to ${to}, although the item has been shipped`);

export const REQUESTER_MESSAGE_ROWS: Rows<BrokerState, RequesterMessageKey, Ram, BrokerContext> = {
  searching: { ...talks('searching'), 'ram:Cancel': cancels },
  expect_to_supply: { ...talks('expect_to_supply'), 'ram:Cancel': cancels },
  will_supply: { ...talks('will_supply'), 'ram:Cancel': cancels },
  conditional: { ...talks('conditional'), 'ram:Cancel': cancels, 'ram:Notification': agreesToConditions },
  retry_offered: {
    ...talks('retry_offered'),
    'ram:Cancel': cancelledWithOffer,
    'ram:Notification': { to: ['searching', 'unfilled', 'retry_offered'], run: (c, m, ctx) => (m.retryDeclined ? retryDeclined.run(c, m, ctx) : notification('retry_offered').run(c, m, ctx)) },
  },
  cancel_pending: talks('cancel_pending'),
  shipped: {
    ...talks('shipped'),
    'ram:Cancel': cancelAfterShipping('shipped'),
    'ram:Received': passed('shipped', (to) => `relayed Received to ${to}`),
    'ram:Renew': passed('shipped', (to) => `relayed Renew to ${to}`),
    'ram:ShippedReturn': { to: ['returned'], run: ({ lifecycle: lc }, m) => decision('returned', {}, [pass(lc, m)], annotate(`relayed ShippedReturn to ${supplierName(lc)}`, m.note)) },
  },
  returned: { ...talks('returned'), 'ram:Cancel': cancelAfterShipping('returned') },
  complete: {},
  cancelled: {},
  unfilled: {},
  closed: {},
};

// ---------------------------------------------------------------------------------------------

export function onSupplierMessage(current: Current<BrokerState>, m: Sam, ctx: BrokerContext): Decision<BrokerState> {
  const { state, lifecycle: lc } = current;
  const label = `supplier_message:${m.reasonForMessage}/${m.status ?? '-'}`;
  const what = m.status ?? m.reasonForMessage;
  if (m.rotaIndex !== undefined && m.rotaIndex !== (lc.rotaIndex ?? 0)) {
    return decision(state, {}, [], annotate(`noted ${what} from ${supplierName(lc, m.rotaIndex)}, no longer the current supplier; not relayed`, m.note));
  }
  if (BROKER_STATES[state].terminal) return decision(state, {}, [], annotate(`noted ${what} from ${supplierName(lc)} after the transaction ended ${state}; not relayed`, m.note));
  const key = supplierMessageKey(m);
  switch (key) {
    case 'sam:CancelResponse':
      if (SUPPLIER_MESSAGE_ROWS[state][key]) return step(SUPPLIER_MESSAGE_ROWS, key, current, m, ctx) ?? refuse(state, label, 'a CancelResponse needs answerYesNo', 'UnrecognisedDataValue');
      if (isLate(lc, m)) return decision(state, {}, [], annotate(`noted a late CancelResponse from ${supplierName(lc)}`, m.note));
      return refuse(state, label, 'no cancel is pending', 'UnsupportedReasonForMessageType');
    case 'sam:RenewResponse':
      return step(SUPPLIER_MESSAGE_ROWS, key, current, m, ctx) ?? refuse(state, label, 'no loan is being renewed', 'UnsupportedReasonForMessageType');
    case 'sam:Notification':
    case 'sam:no-status':
      break;
    default:
      if (m.status !== undefined && isBackward(m.status, lc.lastStatus)) return decision(state, {}, [], annotate(`ignored ${m.status ?? ''} after ${lc.lastStatus ?? ''} from ${supplierName(lc)}: out of order`, m.note));
  }
  return step(SUPPLIER_MESSAGE_ROWS, key, current, m, ctx) ?? refuse(state, label, `status ${m.status ?? '(none)'} cannot apply to a ${lc.serviceType} request that is ${state.replace(/_/g, ' ')} at the broker`, 'UnrecognisedDataValue');
}

export function onRequesterMessage(current: Current<BrokerState>, m: Ram, ctx: BrokerContext): Decision<BrokerState> {
  const { state } = current;
  const label = `requester_message:${m.action}`;
  if (BROKER_STATES[state].terminal) return refuse(state, label, `the request is ${state} at the broker`, 'UnrecognisedDataValue');
  const is = `the request is ${state.replace(/_/g, ' ')} at the broker`;
  return step(REQUESTER_MESSAGE_ROWS, `ram:${m.action}`, current, m, ctx) ?? refuse(state, label, actionRefused(m.action, is, { Cancel: 'a cancel is already pending', Renew: `nothing has been shipped: ${is}` }), 'UnsupportedActionType');
}
