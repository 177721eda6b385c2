/**
 * The borrowing (requester) state machine: `(state, event) -> { state, changes, effects }`.
 * Pure: the clock comes in `ctx.at`, nothing is read or written here. The only error thrown is
 * IllegalTransition; one with `protocolError` answers a partner's message with that errorType.
 *
 * The machine is rows per state (system events here, the supplier's messages in
 * requester-messages.ts, staff actions in requester-staff.ts), merged into REQUESTER_MODEL.
 *
 * Stale timers (another rota supplier, or the request has moved on) decide a no-op with a note:
 * `isNoChange` tells the service to ignore them quietly. The same holds for repeated and backward
 * statuses and plain notifications, which are accepted (the partner gets OK) and change nothing.
 */
import { decision, ncip, notify, refuse } from './decision';
import { SUPPLIER_MESSAGE_KEYS, supplierMessageKey, type SupplierMessageKey } from './event-keys';
import { machineModel, prefixed, type Current, type Transition } from './machine';
import { MESSAGE_ROWS, onSupplierMessage } from './requester-messages';
import { REQUESTER_STAFF_ACTIONS, REQUESTER_STATES } from './requester-states';
import type { RequesterContext, RequesterEvent, RequesterStaffAction, RequesterStaffEvent, RequesterState, SupplierMessageEvent } from './requester-states';
import { offerExpired, retryDue } from './requester-retry';
import { onStaffAction, STAFF_ROWS } from './requester-staff';
import { nextSupplier, sendToSupplier, supplierName, withdrawFrom } from './rota';
import type { Decision, IlsSteps, Lifecycle } from './types';

export * from './requester-states';
export { requesterActions } from './requester-staff';
export { isNoChange } from './decision';

export interface RequesterRequest {
  readonly state: RequesterState;
  readonly lifecycle: Lifecycle;
  /** The transaction's id now (a retry renames it): a timer set for another id is stale. */
  readonly requestingAgencyRequestId?: string;
}

/**
 * A newly created borrowing request: state `new`. When the library's ILS checks patrons
 * (`ils.lookupUser`), NCIP LookupUser goes out and its answer comes back as `validate` or
 * `validation_failed`; otherwise the service validates at once and the patron hears now.
 *
 * With the ILS checking, "request received" waits for its answer: the patron's e-mail address
 * (and name) may come from the ILS, and a notice sent before it would find no address and be
 * skipped for good (the notifications table sends an event once). A patron the ILS refuses is
 * not told a request was received that will not go out.
 */
export function startRequester(_lifecycle: Lifecycle, ctx: { readonly ils?: IlsSteps } = {}): Decision<RequesterState> {
  if (ctx.ils?.lookupUser) return decision('new', {}, [ncip('LookupUser')], 'request created; the patron is being checked in the ILS');
  return decision('new', {}, [notify('request_received')], 'request created');
}

/** The patron check passed: with the ILS checking, this is when the patron hears (see startRequester). Asked again later, the notice is not sent twice. */
function received(ctx: RequesterContext, d: Decision<RequesterState>): Decision<RequesterState> {
  return ctx.ils?.lookupUser ? { ...d, effects: [notify('request_received'), ...d.effects] } : d;
}

/** "3 days", "4 hours", "90 minutes" */
function duration(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) return `${ms / size} ${name}${ms === size ? '' : 's'}`;
  }
  return `${ms} ms`;
}

export function requesterEventLabel(event: RequesterEvent): string {
  switch (event.type) {
    case 'staff':
      return `staff:${event.action}`;
    case 'supplier_message':
      return `supplier_message:${event.reasonForMessage}/${event.status ?? '-'}`;
    default:
      return event.type;
  }
}

const NO_ANSWER = 'No answer in time: the request has been sent to another library or closed';

type SystemEvent = Exclude<RequesterEvent, SupplierMessageEvent | RequesterStaffEvent>;
type SystemKey = SystemEvent['type'];
type SystemRow = { readonly [K in SystemKey]?: Transition<RequesterState, Extract<SystemEvent, { type: K }>, RequesterContext> };

/** How the model names each event: system events by type, partner messages by `event-keys.ts`, staff actions `staff:<action>`. */
export type RequesterEventKey = SystemKey | SupplierMessageKey | `staff:${RequesterStaffAction}`;

export const REQUESTER_EVENT_KEYS: readonly RequesterEventKey[] = [
  'validate',
  'validation_failed',
  'request_refused',
  'supplier_timeout',
  'retry_expired',
  'retry_due',
  ...SUPPLIER_MESSAGE_KEYS,
  ...REQUESTER_STAFF_ACTIONS.map((a) => `staff:${a}` as const),
];

export function requesterEventKey(event: RequesterEvent): RequesterEventKey {
  switch (event.type) {
    case 'supplier_message':
      return supplierMessageKey(event);
    case 'staff':
      return `staff:${event.action}`;
    default:
      return event.type;
  }
}

const SYSTEM_ROWS: { readonly [S in RequesterState]?: SystemRow } = {
  new: {
    validate: {
      to: ['validated', 'sent_to_supplier', 'local_review'],
      run: ({ lifecycle: lc }, _ev, ctx) => {
        // Before anyone else is asked: the library may lend it to its own patron (ReShare's local auto-responder).
        if (lc.heldLocally) return received(ctx, decision('local_review', {}, [], 'patron validated; held locally: our own catalogue shows an available copy'));
        return received(
          ctx,
          (lc.rota ?? []).length === 0 ? decision('validated', {}, [], 'patron validated; no supplier to send to yet') : decision('sent_to_supplier', { rotaIndex: 0 }, sendToSupplier(0, ctx), `sent to ${supplierName(lc, 0)}`),
        );
      },
    },
    validation_failed: {
      to: ['error'],
      run: (_c, ev) => decision('error', { reason: ev.reason, ...(ev.category ? { reasonCategory: ev.category } : {}) }, [], `patron validation failed: ${ev.reason}`),
    },
  },
  sent_to_supplier: {
    supplier_timeout: {
      to: ['sent_to_supplier', 'unfilled'],
      run: ({ lifecycle: lc }, ev, ctx) => {
        const index = lc.rotaIndex ?? 0;
        return ev.rotaIndex === index ? withdrawFrom(index, NO_ANSWER, nextSupplier(lc, `did not answer within ${duration(ctx.supplierTimeoutMs)}`, ctx)) : undefined;
      },
    },
    request_refused: { to: ['sent_to_supplier', 'unfilled'], run: ({ lifecycle: lc }, ev, ctx) => nextSupplier(lc, `refused the request: ${ev.reason}`, ctx) },
  },
  retry_offered: { retry_expired: offerExpired },
  retry_scheduled: { retry_due: retryDue },
  cancel_pending: {
    request_refused: {
      to: ['cancelled'],
      run: ({ lifecycle: lc }, ev) =>
        lc.resumeState === 'sent_to_supplier' ? decision('cancelled', { resumeState: undefined }, [notify('cancelled')], `cancelled: ${supplierName(lc)} never took the request (${ev.reason})`) : undefined,
    },
  },
};

/** The requester machine as data: what `decideRequester` runs, and what `acceptedEvents` and the diagrams read. */
export const REQUESTER_MODEL = machineModel<RequesterState, RequesterEventKey>(
  { name: 'requester', states: REQUESTER_STATES, initial: ['new'], events: REQUESTER_EVENT_KEYS },
  SYSTEM_ROWS,
  MESSAGE_ROWS,
  prefixed('staff:', STAFF_ROWS),
);

/** A system event the state's row does not take: a stale timer is noted, anything else refused. */
function notAccepted(current: Current<RequesterState>, event: SystemEvent): Decision<RequesterState> {
  const { state, lifecycle: lc } = current;
  switch (event.type) {
    case 'supplier_timeout':
      return decision(state, {}, [], `ignored a stale answer timer for ${supplierName(lc, event.rotaIndex)}`);
    case 'retry_expired':
      return decision(state, {}, [], `ignored a stale retry offer expiry for ${supplierName(lc, event.rotaIndex)}: the offer is no longer open`);
    case 'retry_due':
      return decision(state, {}, [], `ignored a stale scheduled retry for ${supplierName(lc, event.rotaIndex)}: no retry is waiting`);
    case 'request_refused':
      return refuse(state, event.type, 'no request is waiting for its confirmation');
    default:
      return refuse(state, event.type, 'only a new request is validated');
  }
}

function onSystemEvent(current: Current<RequesterState>, event: SystemEvent, ctx: RequesterContext): Decision<RequesterState> {
  const { state, lifecycle: lc } = current;
  // A timer set for an id the transaction had before a retry belongs to the old transaction.
  if ('requestId' in event && event.requestId !== undefined && current.requestingAgencyRequestId !== undefined && event.requestId !== current.requestingAgencyRequestId) {
    return notAccepted(current, event);
  }
  if (event.type === 'request_refused' && event.rotaIndex !== undefined && event.rotaIndex !== (lc.rotaIndex ?? 0)) {
    return decision(state, {}, [], `ignored a refusal from ${supplierName(lc, event.rotaIndex)}, no longer the current supplier`);
  }
  // SystemRow gives the transition for `event.type` exactly that event type.
  const t = SYSTEM_ROWS[state]?.[event.type] as Transition<RequesterState, SystemEvent, RequesterContext> | undefined;
  return t?.run(current, event, ctx) ?? notAccepted(current, event);
}

export function decideRequester(current: RequesterRequest, event: RequesterEvent, ctx: RequesterContext): Decision<RequesterState> {
  switch (event.type) {
    case 'supplier_message':
      return onSupplierMessage(current, event, ctx);
    case 'staff':
      return onStaffAction(current, event, ctx);
    default:
      return onSystemEvent(current, event, ctx);
  }
}
