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
 *
 * The machine is rows per state (system events here, partners' messages in broker-messages.ts),
 * merged into BROKER_MODEL.
 */
import { decision, refuse } from './decision';
import { ask, describeDuration, moveOn, toRequester, toSupplier } from './broker-hub';
import { offerExpired, retryRequested } from './broker-retry';
import { onRequesterMessage, onSupplierMessage, REQUESTER_MESSAGE_ROWS, SUPPLIER_MESSAGE_ROWS } from './broker-messages';
import { BROKER_STAFF_ACTIONS, BROKER_STATES, type BrokerContext, type BrokerEvent, type BrokerStaffAction, type BrokerStaffEvent, type BrokerState } from './broker-states';
import { REQUESTER_MESSAGE_KEYS, SUPPLIER_MESSAGE_KEYS, requesterMessageKey, supplierMessageKey, type RequesterMessageKey, type SupplierMessageKey } from './event-keys';
import { machineModel, prefixed, type Current, type Transition } from './machine';
import { brokerActions, onStaffAction, STAFF_ROWS } from './broker-staff';
import type { SupplierMessageEvent } from './requester-states';
import { supplierName } from './rota';
import type { RequesterMessageEvent } from './supplier-states';
import type { Decision, Lifecycle, SupplierStatus } from './types';

export * from './broker-states';
export { describeDuration } from './broker-hub';
export { brokerActions };

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

type SystemEvent = Exclude<BrokerEvent, SupplierMessageEvent | RequesterMessageEvent | BrokerStaffEvent>;
type SystemKey = SystemEvent['type'];
type SystemRow = { readonly [K in SystemKey]?: Transition<BrokerState, Extract<SystemEvent, { type: K }>, BrokerContext> };

/** How the model names each event: system events by type, a supplier's messages `sam:…`, the requester's `ram:<action>`. */
export type BrokerEventKey = SystemKey | SupplierMessageKey | RequesterMessageKey | `staff:${BrokerStaffAction}`;

export const BROKER_EVENT_KEYS: readonly BrokerEventKey[] = [
  'request_refused',
  'supplier_timeout',
  'relay_refused',
  'retry_expired',
  'retry_request',
  ...SUPPLIER_MESSAGE_KEYS,
  ...REQUESTER_MESSAGE_KEYS,
  ...BROKER_STAFF_ACTIONS.map((a) => `staff:${a}` as const),
];

export function brokerEventKey(event: BrokerEvent): BrokerEventKey {
  switch (event.type) {
    case 'supplier_message':
      return supplierMessageKey(event);
    case 'requester_message':
      return requesterMessageKey(event);
    case 'staff':
      return `staff:${event.action}`;
    default:
      return event.type;
  }
}

/** The status the requester last heard, for a Notification that must carry one. */
function toldStatus(lc: Lifecycle): SupplierStatus {
  return lc.lastStatus === undefined || lc.lastStatus === 'RequestReceived' ? 'ExpectToSupply' : lc.lastStatus;
}

const NO_ANSWER = 'No answer in time: the request has been sent to another library or closed';
const silence = (ctx: BrokerContext): string => `did not answer within ${describeDuration(ctx.supplierTimeoutMs)}`;

/** A relayed message the supplier refused: the requester hears so (the service also flags the transaction for staff). */
const relayRefused = (state: BrokerState): SystemRow['relay_refused'] => ({
  to: [state],
  run: ({ lifecycle: lc }, ev) =>
    ev.toward === 'requester'
      ? undefined
      : decision(
          state,
          {},
          [toRequester({ reasonForMessage: 'Notification', status: toldStatus(lc), note: `The broker could not pass your message on to the supplier (${ev.reason}); broker staff have been alerted` })],
          `a message to ${supplierName(lc)} was not delivered: ${ev.reason}; the requester is told`,
        ),
});

/** The Cancel went to a supplier that never took the request: nobody else will answer it. */
function cancelledUnanswered(lc: Lifecycle, why: string): Decision<BrokerState> {
  const note = `${supplierName(lc)} ${why}; the request is cancelled`;
  return decision('cancelled', { resumeState: undefined, lastStatus: 'Cancelled' }, [toRequester({ reasonForMessage: 'CancelResponse', status: 'Cancelled', answerYesNo: 'Y', note })], note);
}

const refusedMovesOn: SystemRow['request_refused'] = { to: ['searching', 'unfilled'], run: ({ state, lifecycle: lc }, ev, ctx) => moveOn(state, lc, `refused the request: ${ev.reason}`, ctx) };

const SYSTEM_ROWS: { readonly [S in BrokerState]?: SystemRow } = {
  searching: {
    supplier_timeout: {
      to: ['searching', 'unfilled'],
      run: ({ state, lifecycle: lc }, _ev, ctx) => {
        // The silent supplier still holds the request: withdraw it there, so it does not ship later.
        const moved = moveOn(state, lc, silence(ctx), ctx);
        const withdraw = toSupplier({ kind: 'requestingAgencyMessage', action: 'Cancel', note: NO_ANSWER }, lc.rota?.[lc.rotaIndex ?? 0]?.symbol);
        return { ...moved, effects: [withdraw, ...moved.effects] };
      },
    },
    request_refused: refusedMovesOn,
    relay_refused: relayRefused('searching'),
  },
  expect_to_supply: { request_refused: refusedMovesOn, relay_refused: relayRefused('expect_to_supply') },
  will_supply: { relay_refused: relayRefused('will_supply') },
  conditional: { relay_refused: relayRefused('conditional') },
  cancel_pending: {
    supplier_timeout: { to: ['cancelled'], run: ({ lifecycle: lc }, _ev, ctx) => (lc.resumeState === 'searching' ? cancelledUnanswered(lc, silence(ctx)) : undefined) },
    request_refused: {
      to: ['cancelled'],
      run: ({ lifecycle: lc }, ev) => (lc.resumeState === 'searching' || lc.resumeState === 'expect_to_supply' ? cancelledUnanswered(lc, `refused the request: ${ev.reason}`) : undefined),
    },
    relay_refused: relayRefused('cancel_pending'),
  },
  retry_offered: { retry_expired: offerExpired, retry_request: retryRequested, relay_refused: relayRefused('retry_offered') },
  shipped: { relay_refused: relayRefused('shipped') },
  returned: { relay_refused: relayRefused('returned') },
};

/** The broker machine as data: what `decideBroker` runs, and what `acceptedEvents` and the diagrams read. */
export const BROKER_MODEL = machineModel<BrokerState, BrokerEventKey>(
  // startBroker opens `searching`, or `unfilled` when no supplier can be asked.
  { name: 'broker', states: BROKER_STATES, initial: ['searching', 'unfilled'], events: BROKER_EVENT_KEYS },
  SYSTEM_ROWS,
  SUPPLIER_MESSAGE_ROWS,
  REQUESTER_MESSAGE_ROWS,
  prefixed('staff:', STAFF_ROWS),
);

/** A timer or refusal for a supplier the hub moved on from, or one the state does not act on: noted. */
function notAccepted(current: Current<BrokerState>, event: SystemEvent): Decision<BrokerState> {
  const { state, lifecycle: lc } = current;
  switch (event.type) {
    case 'supplier_timeout':
      return decision(state, {}, [], `timer for ${supplierName(lc)} ignored: it has answered`);
    case 'request_refused':
      return decision(state, {}, [], `noted that ${supplierName(lc)} refused the request: ${event.reason}`);
    case 'relay_refused':
      return decision(state, {}, [], `a message to ${event.toward === 'requester' ? 'the requester' : supplierName(lc)} was not delivered: ${event.reason}`);
    case 'retry_expired':
      return decision(state, {}, [], `ignored a stale retry offer timer for ${supplierName(lc, event.rotaIndex)}: the offer is no longer open`);
    case 'retry_request':
      return refuse(state, 'request:Retry', `no retry offer is open: the request is ${state.replace(/_/g, ' ')} at the broker`, 'UnrecognisedDataValue');
  }
}

function onSystemEvent(current: Current<BrokerState>, event: SystemEvent, ctx: BrokerContext): Decision<BrokerState> {
  const { state, lifecycle: lc } = current;
  // A timer set for an id the transaction had before a retry belongs to the old transaction.
  if ('requestId' in event && event.requestId !== undefined && current.requestingAgencyRequestId !== undefined && event.requestId !== current.requestingAgencyRequestId) return notAccepted(current, event);
  if (event.type === 'supplier_timeout' && event.rotaIndex !== (lc.rotaIndex ?? 0)) return decision(state, {}, [], `timer for ${supplierName(lc, event.rotaIndex)} ignored: no longer the current supplier`);
  if (event.type === 'request_refused' && event.rotaIndex !== undefined && event.rotaIndex !== (lc.rotaIndex ?? 0)) {
    return decision(state, {}, [], `noted that ${supplierName(lc, event.rotaIndex)} refused the request: ${event.reason}; no longer the current supplier`);
  }
  // SystemRow gives the transition for `event.type` exactly that event type.
  const t = SYSTEM_ROWS[state]?.[event.type] as Transition<BrokerState, SystemEvent, BrokerContext> | undefined;
  return t?.run(current, event, ctx) ?? notAccepted(current, event);
}

export function decideBroker(current: Current<BrokerState>, event: BrokerEvent, ctx: BrokerContext): Decision<BrokerState> {
  switch (event.type) {
    case 'supplier_message':
      return onSupplierMessage(current, event, ctx);
    case 'requester_message':
      return onRequesterMessage(current, event, ctx);
    case 'staff':
      return onStaffAction(current, event, ctx);
    default:
      return onSystemEvent(current, event, ctx);
  }
}
