/**
 * The broker hub's machine: one transaction between a requester and a rota of suppliers, with
 * the hub in the middle (NOTES §5, CrossLink). Pure: `(transaction, event, ctx) -> Decision`.
 *
 * - The hub asks one supplier at a time. An Unfilled (or RetryPossible), a refused request or
 *   silence past the answer timeout moves it to the next supplier without the requester doing
 *   anything; the requester only hears ExpectToSupply while the hub searches (a StatusChange
 *   first, then Notifications naming who failed and who is asked next) and Unfilled when the rota
 *   is exhausted. If the requester had already heard WillSupply, the hub first relays the
 *   Unfilled as a Notification (mod-rs "UnfilledContinue"), then ExpectToSupply again.
 * - Everything else the current supplier says is relayed to the requester with its content
 *   (status, reason, note, due date, loan conditions); what the requester says (Received,
 *   ShippedReturn, Renew, Cancel, Notification, StatusRequest) is relayed to the current supplier.
 * - A Cancel from the requester is terminal (CrossLink `terminalCancel`): no other supplier is
 *   asked, whatever the current one answers. An unsolicited Cancelled, or Unfilled with reason
 *   Duplicate, ends the transaction too (NOTES §7.7).
 * - Messages from a supplier the hub has moved on from are noted, not relayed.
 *
 * Send effects toward the requester are supplyingAgencyMessages, toward the current supplier
 * `request`s and requestingAgencyMessages; `supplier` on a send effect names the supplier a
 * message relays (toward the requester) or goes to (toward a supplier), fixed at decision time.
 * Which symbols the headers show (opaque or transparent mode) is the services' business.
 */
import { decision, refuse } from './decision';
import type { SupplierMessageEvent } from './requester-states';
import { supplierName } from './rota';
import { isBackward } from './statuses';
import type { RequesterMessageEvent } from './supplier-states';
import type { Decision, Effect, Lifecycle, OutboundMessage, SupplierStatus } from './types';

export const BROKER_MODES = ['opaque', 'transparent'] as const;
/** opaque: the hub's own symbol stands in for the other party in every header; transparent: the real ones appear. */
export type BrokerMode = (typeof BROKER_MODES)[number];

export const BROKER_STATES = {
  /** The request went to the current rota supplier; its answer is awaited (a timer runs). */
  searching: { terminal: false },
  /** The current supplier acknowledged (RequestReceived / ExpectToSupply): no timeout any more. */
  expect_to_supply: { terminal: false },
  will_supply: { terminal: false },
  /** WillSupply with loan conditions, relayed: the requester agrees (Notification) or cancels. */
  conditional: { terminal: false },
  /** The requester's Cancel went to the supplier (resumeState = where a refusal returns to). */
  cancel_pending: { terminal: false },
  /** Loaned relayed: the loan runs through the hub (Received, Renew, Overdue, Recalled ...). */
  shipped: { terminal: false },
  /** ShippedReturn relayed; LoanCompleted awaited. */
  returned: { terminal: false },
  complete: { terminal: true },
  cancelled: { terminal: true },
  unfilled: { terminal: true },
} as const satisfies Record<string, { terminal: boolean }>;

export type BrokerState = keyof typeof BROKER_STATES;
export const BROKER_STATE_NAMES = Object.keys(BROKER_STATES) as BrokerState[];

export type BrokerEvent =
  /** A supplyingAgencyMessage from a rota supplier (`rotaIndex`: its position, set by the service). */
  | SupplierMessageEvent
  /** A requestingAgencyMessage from the requester. */
  | RequesterMessageEvent
  /** The `supplier_answer` timer for the supplier at `rotaIndex` fired. */
  | { readonly type: 'supplier_timeout'; readonly rotaIndex: number }
  /** Our `request` to the supplier at `rotaIndex` was refused (ERROR confirmation, HTTP 4xx, no address) or never delivered. */
  | { readonly type: 'request_refused'; readonly reason: string; readonly rotaIndex?: number }
  /** A relayed message could not be delivered (refused, or delivery gave up). */
  | { readonly type: 'relay_refused'; readonly reason: string; readonly toward: 'requester' | 'supplier' };

export interface BrokerContext {
  readonly at: Date;
  /** How long a supplier may stay silent before the hub moves on. */
  readonly supplierTimeoutMs: number;
}

/** A send effect of the hub: `supplier` is the supplier the message relays or goes to. */
export type BrokerSend = Extract<Effect, { kind: 'send' }> & { readonly supplier?: string };

type SamFields = Omit<Extract<OutboundMessage, { kind: 'supplyingAgencyMessage' }>, 'kind'>;

export function isBrokerState(s: string | undefined): s is BrokerState {
  return s !== undefined && Object.hasOwn(BROKER_STATES, s);
}

export function brokerEventLabel(event: BrokerEvent): string {
  switch (event.type) {
    case 'supplier_message':
      return `supplier_message:${event.reasonForMessage}/${event.status ?? '-'}`;
    case 'requester_message':
      return `requester_message:${event.action}`;
    default:
      return event.type;
  }
}

// ---------------------------------------------------------------------------------------------

const annotate = (text: string, note: string | undefined): string => (note ? `${text} (note: ${note})` : text);
const currentOf = (lc: Lifecycle): string | undefined => lc.rota?.[lc.rotaIndex ?? 0]?.symbol;

function toRequester(fields: SamFields, supplier?: string): Effect {
  const message = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as SamFields;
  const effect: BrokerSend = { kind: 'send', message: { kind: 'supplyingAgencyMessage', ...message }, ...(supplier ? { supplier } : {}) };
  return effect;
}

function toSupplier(message: OutboundMessage, supplier: string | undefined): Effect {
  const effect: BrokerSend = { kind: 'send', message, ...(supplier ? { supplier } : {}) };
  return effect;
}

/** The supplier's message, passed on to the requester with its content. */
function relay(lc: Lifecycle, m: SupplierMessageEvent): Effect {
  const status = m.status ?? lc.lastStatus ?? 'ExpectToSupply';
  return toRequester(
    {
      reasonForMessage: m.reasonForMessage,
      status,
      answerYesNo: m.answerYesNo,
      reasonUnfilled: m.reasonUnfilled,
      reasonRetry: m.reasonRetry,
      dueDate: m.dueDate,
      loanConditions: m.loanConditions,
      note: m.note,
      delivered: status === 'Loaned' || status === 'CopyCompleted' ? true : undefined,
    },
    currentOf(lc),
  );
}

/** Send the request to the supplier at `index` and start its answer timer. */
function ask(lc: Lifecycle, index: number, ctx: BrokerContext): Effect[] {
  return [
    toSupplier({ kind: 'request', rotaIndex: index }, lc.rota?.[index]?.symbol),
    { kind: 'timer', timer: 'supplier_answer', afterMs: ctx.supplierTimeoutMs, rotaIndex: index },
  ];
}

/** What is forgotten of one supplier when the next is asked. */
const FRESH_SUPPLIER: Partial<Lifecycle> = { lastStatus: undefined, loanConditions: undefined, dueDate: undefined, resumeState: undefined };

export function describeDuration(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 172_800_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} days`;
}

/**
 * A newly brokered request with its routed rota: ask the first supplier and tell the requester
 * the hub expects to supply; with no supplier to ask, answer Unfilled at once.
 */
export function startBroker(lc: Lifecycle, ctx: BrokerContext, noSupplier = 'no supplier in the directory can be asked'): Decision<BrokerState> {
  const rota = lc.rota ?? [];
  if (rota.length === 0) {
    return decision('unfilled', { lastStatus: 'Unfilled', reason: noSupplier }, [toRequester({ reasonForMessage: 'RequestResponse', status: 'Unfilled', reasonUnfilled: 'NotAvailableForILL', note: noSupplier })], `ended unfilled: ${noSupplier}`);
  }
  const first = { ...lc, rotaIndex: 0 };
  const asking = `asking ${supplierName(first, 0)}`;
  return decision('searching', { rotaIndex: 0 }, [...ask(first, 0, ctx), toRequester({ reasonForMessage: 'RequestResponse', status: 'ExpectToSupply', note: `Looking for a supplier: ${asking}` })], `brokering: ${asking}`);
}

/**
 * Ask the next supplier, telling the requester only that the search goes on; or end unfilled
 * when the rota is exhausted (or `final`: Duplicate, which no other supplier changes).
 */
function moveOn(state: BrokerState, lc: Lifecycle, why: string, ctx: BrokerContext, final = false, last?: SupplierMessageEvent): Decision<BrokerState> {
  const next = (lc.rotaIndex ?? 0) + 1;
  const rota = lc.rota ?? [];
  const cause = `${supplierName(lc)} ${why}`;
  if (!final && next < rota.length) {
    const asking = `asking ${supplierName(lc, next)}`;
    // The requester heard WillSupply: it must learn that this supplier is gone before the search goes on.
    const told = state === 'will_supply' || state === 'conditional';
    const tell = told
      ? [
          toRequester({ reasonForMessage: 'Notification', status: 'Unfilled', reasonUnfilled: last?.reasonUnfilled, note: `${cause}; the broker goes on with another supplier` }),
          toRequester({ reasonForMessage: 'StatusChange', status: 'ExpectToSupply', note: `Looking for a supplier: ${asking}` }),
        ]
      : [toRequester({ reasonForMessage: 'Notification', status: 'ExpectToSupply', note: `${cause}; ${asking}` })];
    return decision('searching', { ...FRESH_SUPPLIER, rotaIndex: next }, [...ask(lc, next, ctx), ...tell], `moved to ${supplierName(lc, next)}: ${cause}`);
  }
  const ending = final ? `no other supplier tried: ${cause}` : `rota exhausted: ${cause}`;
  return decision(
    'unfilled',
    { ...FRESH_SUPPLIER, lastStatus: 'Unfilled', reason: ending },
    [toRequester({ reasonForMessage: 'StatusChange', status: 'Unfilled', reasonUnfilled: last?.reasonUnfilled ?? 'NotAvailableForILL', note: ending })],
    `ended unfilled: ${ending}`,
  );
}

function unfilledWhy(m: SupplierMessageEvent): string {
  const reason = m.status === 'RetryPossible' ? m.reasonRetry : m.reasonUnfilled;
  return annotate(`answered ${m.status ?? ''}${reason ? ` (${reason})` : ''}`, m.note);
}

const isDuplicate = (m: SupplierMessageEvent): boolean => m.reasonUnfilled?.toLowerCase() === 'duplicate';
const dueDateOf = (m: SupplierMessageEvent): Partial<Lifecycle> => (m.dueDate === undefined ? {} : { dueDate: m.dueDate });

type Move = Decision<BrokerState> | undefined;

/** Before shipping: searching, expect_to_supply, will_supply, conditional. */
function answerMove(state: BrokerState, lc: Lifecycle, m: SupplierMessageEvent, ctx: BrokerContext): Move {
  const from = supplierName(lc);
  switch (m.status) {
    case 'RequestReceived':
    case 'ExpectToSupply':
      // The requester already heard ExpectToSupply from the hub; later on this is a late copy.
      if (state !== 'searching') return decision(state, {}, [], annotate(`noted ${m.status} from ${from}`, m.note));
      return decision('expect_to_supply', { lastStatus: m.status }, [], annotate(`${from} answered ${m.status}`, m.note));
    case 'WillSupply': {
      const conditions = m.loanConditions ?? [];
      const to: BrokerState = conditions.length > 0 ? 'conditional' : 'will_supply';
      return decision(to, { lastStatus: 'WillSupply', ...(conditions.length > 0 ? { loanConditions: conditions } : {}) }, [relay(lc, m)], annotate(`${from} will supply${conditions.length > 0 ? ` on conditions: ${conditions.join(', ')}` : ''}`, m.note));
    }
    case 'Loaned':
      if (lc.serviceType === 'Copy') return undefined;
      return decision('shipped', { lastStatus: 'Loaned', ...dueDateOf(m) }, [relay(lc, m)], annotate(`${from} shipped the item${m.dueDate ? `, due ${m.dueDate}` : ''}`, m.note));
    case 'CopyCompleted':
      if (lc.serviceType === 'Loan') return undefined;
      return decision('complete', { lastStatus: 'CopyCompleted' }, [relay(lc, m)], annotate(`${from} delivered the copy`, m.note));
    case 'Unfilled':
    case 'RetryPossible':
      return moveOn(state, lc, unfilledWhy(m), ctx, isDuplicate(m), m);
    case 'Cancelled':
      return decision('cancelled', { lastStatus: 'Cancelled', reason: `cancelled by ${from}` }, [relay(lc, m)], annotate(`${from} cancelled the request; no other supplier is tried`, m.note));
    default:
      return undefined;
  }
}

/** The requester's Cancel is with the supplier: everything is relayed, the rota is over. */
function cancelPendingMove(lc: Lifecycle, m: SupplierMessageEvent): Move {
  const from = supplierName(lc);
  switch (m.status) {
    case 'Cancelled':
    case 'Unfilled':
    case 'RetryPossible':
      return decision('cancelled', { resumeState: undefined, lastStatus: m.status }, [relay(lc, m)], annotate(`cancelled: ${from} answered ${m.status}`, m.note));
    case 'Loaned':
      if (lc.serviceType === 'Copy') return undefined;
      return decision('shipped', { resumeState: undefined, lastStatus: 'Loaned', ...dueDateOf(m) }, [relay(lc, m)], annotate(`${from} shipped the item before the cancel reached it`, m.note));
    case 'CopyCompleted':
      if (lc.serviceType === 'Loan') return undefined;
      return decision('complete', { resumeState: undefined, lastStatus: 'CopyCompleted' }, [relay(lc, m)], annotate(`${from} delivered the copy before the cancel reached it`, m.note));
    case 'RequestReceived':
    case 'ExpectToSupply':
      return decision('cancel_pending', { lastStatus: m.status, ...(lc.resumeState === 'searching' ? { resumeState: 'expect_to_supply' } : {}) }, [], annotate(`${from} answered ${m.status}; the cancel is pending`, m.note));
    case 'WillSupply': {
      const conditional = (m.loanConditions ?? []).length > 0;
      return decision('cancel_pending', { lastStatus: 'WillSupply', resumeState: conditional ? 'conditional' : 'will_supply' }, [relay(lc, m)], annotate(`${from} will supply; the cancel is pending`, m.note));
    }
    default:
      return undefined;
  }
}

/** Loaned and on: shipped or returned. */
function loanMove(state: BrokerState, lc: Lifecycle, m: SupplierMessageEvent): Move {
  const from = supplierName(lc);
  switch (m.status) {
    case 'Loaned':
    case 'Overdue':
    case 'Recalled':
      return decision(state, { ...(m.status === lc.lastStatus ? {} : { lastStatus: m.status }), ...dueDateOf(m) }, [relay(lc, m)], annotate(`relayed ${m.status} from ${from}`, m.note));
    case 'LoanCompleted':
    case 'CompletedWithoutReturn':
      return decision('complete', { lastStatus: m.status }, [relay(lc, m)], annotate(`${from} completed the loan (${m.status})`, m.note));
    default:
      return undefined;
  }
}

function onSupplierMessage(state: BrokerState, lc: Lifecycle, m: SupplierMessageEvent, ctx: BrokerContext): Decision<BrokerState> {
  const label = brokerEventLabel(m);
  const what = m.status ?? m.reasonForMessage;
  if (m.rotaIndex !== undefined && m.rotaIndex !== (lc.rotaIndex ?? 0)) {
    return decision(state, {}, [], annotate(`noted ${what} from ${supplierName(lc, m.rotaIndex)}, no longer the current supplier; not relayed`, m.note));
  }
  if (BROKER_STATES[state].terminal) return decision(state, {}, [], annotate(`noted ${what} from ${supplierName(lc)} after the transaction ended ${state}; not relayed`, m.note));
  const late = m.status !== undefined && (m.status === lc.lastStatus || isBackward(m.status, lc.lastStatus));
  switch (m.reasonForMessage) {
    case 'CancelResponse':
      if (state === 'cancel_pending') {
        if (m.answerYesNo === 'Y' || m.status === 'Cancelled') return decision('cancelled', { resumeState: undefined, lastStatus: 'Cancelled' }, [relay(lc, m)], annotate(`${supplierName(lc)} accepted the cancel`, m.note));
        if (m.answerYesNo !== 'N') return refuse(state, label, 'a CancelResponse needs answerYesNo', 'UnrecognisedDataValue');
        const back: BrokerState = m.status === 'Loaned' ? 'shipped' : isBrokerState(lc.resumeState) ? lc.resumeState : 'will_supply';
        return decision(back, { resumeState: undefined, ...(m.status && !late ? { lastStatus: m.status } : {}), ...dueDateOf(m) }, [relay(lc, m)], annotate(`${supplierName(lc)} refused the cancel`, m.note));
      }
      if (state === 'shipped' || state === 'returned') return decision(state, {}, [relay(lc, m)], annotate(`${supplierName(lc)} refused the cancel: the item has been shipped`, m.note));
      if (late) return decision(state, {}, [], annotate(`noted a late CancelResponse from ${supplierName(lc)}`, m.note));
      return refuse(state, label, 'no cancel is pending', 'UnsupportedReasonForMessageType');
    case 'RenewResponse':
      if (state !== 'shipped') return refuse(state, label, 'no loan is being renewed', 'UnsupportedReasonForMessageType');
      return decision(state, { ...(m.status && !late ? { lastStatus: m.status } : {}), ...dueDateOf(m) }, [relay(lc, m)], annotate(`${supplierName(lc)} ${m.answerYesNo === 'Y' ? 'renewed the loan' : 'refused the renewal'}`, m.note));
    case 'Notification':
      return decision(state, {}, [relay(lc, m)], annotate(`relayed a notification from ${supplierName(lc)}`, m.note));
    default:
      break;
  }
  if (m.status === undefined) return decision(state, {}, [relay(lc, m)], annotate(`relayed a note from ${supplierName(lc)}`, m.note));
  if (isBackward(m.status, lc.lastStatus)) return decision(state, {}, [], annotate(`ignored ${m.status} after ${lc.lastStatus ?? ''} from ${supplierName(lc)}: out of order`, m.note));
  let move: Move;
  switch (state) {
    case 'searching':
    case 'expect_to_supply':
    case 'will_supply':
    case 'conditional':
      move = answerMove(state, lc, m, ctx);
      break;
    case 'cancel_pending':
      move = cancelPendingMove(lc, m);
      break;
    default:
      move = loanMove(state, lc, m);
  }
  return move ?? refuse(state, label, `status ${m.status} cannot apply to a ${lc.serviceType} request that is ${state.replace(/_/g, ' ')} at the broker`, 'UnrecognisedDataValue');
}

function onRequesterMessage(state: BrokerState, lc: Lifecycle, m: RequesterMessageEvent): Decision<BrokerState> {
  const label = brokerEventLabel(m);
  const supplier = currentOf(lc);
  const pass = toSupplier(m.note === undefined ? { kind: 'requestingAgencyMessage', action: m.action } : { kind: 'requestingAgencyMessage', action: m.action, note: m.note }, supplier);
  const to = supplierName(lc);
  const unsupported = (why: string): never => refuse(state, label, why, 'UnsupportedActionType');
  if (BROKER_STATES[state].terminal) return refuse(state, label, `the request is ${state} at the broker`, 'UnrecognisedDataValue');
  switch (m.action) {
    case 'Cancel':
      if (state === 'cancel_pending') return unsupported('a cancel is already pending');
      if (state === 'shipped' || state === 'returned') return decision(state, {}, [pass], annotate(`relayed the requester's Cancel to ${to}, although the item has been shipped`, m.note));
      return decision('cancel_pending', { resumeState: state }, [pass], annotate(`the requester cancels: relayed to ${to}; no other supplier will be asked`, m.note));
    case 'Received':
    case 'Renew':
      if (state !== 'shipped') return unsupported(`nothing has been shipped: the request is ${state.replace(/_/g, ' ')} at the broker`);
      return decision(state, {}, [pass], annotate(`relayed ${m.action} to ${to}`, m.note));
    case 'ShippedReturn':
      if (state !== 'shipped') return unsupported(`no loan to return: the request is ${state.replace(/_/g, ' ')} at the broker`);
      return decision('returned', {}, [pass], annotate(`relayed ShippedReturn to ${to}`, m.note));
    case 'ShippedForward':
      return unsupported('forwarding an item to another borrower is not supported');
    case 'Notification':
      if (state === 'conditional' && m.conditionsAgreed) return decision('will_supply', {}, [pass], annotate(`the requester agreed to the loan conditions; relayed to ${to}`, m.note));
      return decision(state, {}, [pass], annotate(`relayed a notification to ${to}`, m.note));
    case 'StatusRequest':
      return decision(state, {}, [pass], `relayed a status request to ${to}`);
  }
}

/** The status the requester last heard, for a Notification that must carry one. */
function toldStatus(lc: Lifecycle): SupplierStatus {
  return lc.lastStatus === undefined || lc.lastStatus === 'RequestReceived' ? 'ExpectToSupply' : lc.lastStatus;
}

export function decideBroker(current: { readonly state: BrokerState; readonly lifecycle: Lifecycle }, event: BrokerEvent, ctx: BrokerContext): Decision<BrokerState> {
  const { state, lifecycle: lc } = current;
  const index = lc.rotaIndex ?? 0;
  switch (event.type) {
    case 'supplier_message':
      return onSupplierMessage(state, lc, event, ctx);
    case 'requester_message':
      return onRequesterMessage(state, lc, event);
    case 'supplier_timeout': {
      const silence = `did not answer within ${describeDuration(ctx.supplierTimeoutMs)}`;
      if (event.rotaIndex !== index) return decision(state, {}, [], `timer for ${supplierName(lc, event.rotaIndex)} ignored: no longer the current supplier`);
      if (state === 'searching') {
        // The silent supplier still holds the request: withdraw it there, so it does not ship later.
        const moved = moveOn(state, lc, silence, ctx);
        const withdraw = toSupplier({ kind: 'requestingAgencyMessage', action: 'Cancel', note: 'No answer in time: the request has been sent to another library or closed' }, lc.rota?.[index]?.symbol);
        return { ...moved, effects: [withdraw, ...moved.effects] };
      }
      if (state === 'cancel_pending' && lc.resumeState === 'searching') {
        const note = `${supplierName(lc)} ${silence}; the request is cancelled`;
        return decision('cancelled', { resumeState: undefined, lastStatus: 'Cancelled' }, [toRequester({ reasonForMessage: 'CancelResponse', status: 'Cancelled', answerYesNo: 'Y', note })], note);
      }
      return decision(state, {}, [], `timer for ${supplierName(lc)} ignored: it has answered`);
    }
    case 'request_refused': {
      const why = `refused the request: ${event.reason}`;
      if (event.rotaIndex !== undefined && event.rotaIndex !== index) return decision(state, {}, [], `noted that ${supplierName(lc, event.rotaIndex)} ${why}; no longer the current supplier`);
      if (state === 'searching' || state === 'expect_to_supply') return moveOn(state, lc, why, ctx);
      if (state === 'cancel_pending' && (lc.resumeState === 'searching' || lc.resumeState === 'expect_to_supply')) {
        const note = `${supplierName(lc)} ${why}; the request is cancelled`;
        return decision('cancelled', { resumeState: undefined, lastStatus: 'Cancelled' }, [toRequester({ reasonForMessage: 'CancelResponse', status: 'Cancelled', answerYesNo: 'Y', note })], note);
      }
      return decision(state, {}, [], `noted that ${supplierName(lc)} ${why}`);
    }
    case 'relay_refused':
      if (event.toward === 'requester' || BROKER_STATES[state].terminal) {
        return decision(state, {}, [], `a message to ${event.toward === 'requester' ? 'the requester' : supplierName(lc)} was not delivered: ${event.reason}`);
      }
      return decision(
        state,
        {},
        [toRequester({ reasonForMessage: 'Notification', status: toldStatus(lc), note: `The broker could not pass your message on to the supplier (${event.reason}); broker staff have been alerted` })],
        `a message to ${supplierName(lc)} was not delivered: ${event.reason}; the requester is told`,
      );
  }
}
