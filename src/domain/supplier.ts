/**
 * The lending (supplier) state machine: `(state, event) -> { state, changes, effects }`.
 * Pure: the clock comes in `ctx.at`. The only error thrown is IllegalTransition; a refused
 * requestingAgencyMessage carries `protocolError` UnsupportedActionType for the confirmation.
 *
 * The machine is rows per state (system events here, the requester's messages in
 * supplier-messages.ts, staff actions in supplier-staff.ts), merged into SUPPLIER_MODEL.
 */
import { decision, refuse, sam } from './decision';
import { REQUESTER_MESSAGE_KEYS, requesterMessageKey, type RequesterMessageKey } from './event-keys';
import { machineModel, prefixed, type Current, type Transition } from './machine';
import { MESSAGE_ROWS, onRequesterMessage } from './supplier-messages';
import { loanedAfterCheckout, onSupplierStaffAction, STAFF_ROWS } from './supplier-staff';
import { SUPPLIER_STAFF_ACTIONS, SUPPLIER_STATES } from './supplier-states';
import type { RequesterMessageEvent, SupplierContext, SupplierEvent, SupplierStaffAction, SupplierStaffEvent, SupplierState } from './supplier-states';
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

type SystemEvent = Exclude<SupplierEvent, RequesterMessageEvent | SupplierStaffEvent>;
type SystemKey = SystemEvent['type'];
type SystemRow = { readonly [K in SystemKey]?: Transition<SupplierState, Extract<SystemEvent, { type: K }>, SupplierContext> };

/** How the model names each event: system events by type, the requester's messages `ram:<action>`, staff actions `staff:<action>`. */
export type SupplierEventKey = SystemKey | RequesterMessageKey | `staff:${SupplierStaffAction}`;

export const SUPPLIER_EVENT_KEYS: readonly SupplierEventKey[] = ['validate', 'validation_failed', 'ils_checked_out', ...REQUESTER_MESSAGE_KEYS, ...SUPPLIER_STAFF_ACTIONS.map((a) => `staff:${a}` as const)];

export function supplierEventKey(event: SupplierEvent): SupplierEventKey {
  switch (event.type) {
    case 'requester_message':
      return requesterMessageKey(event);
    case 'staff':
      return `staff:${event.action}`;
    default:
      return event.type;
  }
}

const SYSTEM_ROWS: { readonly [S in SupplierState]?: SystemRow } = {
  received: {
    validate: { to: ['validated'], run: () => decision('validated') },
    validation_failed: {
      to: ['unfilled'],
      run: (_c, ev) => decision('unfilled', { lastStatus: 'Unfilled', reason: ev.reason }, [sam({ reasonForMessage: 'RequestResponse', status: 'Unfilled', note: ev.reason })], `cannot be supplied: ${ev.reason}`),
    },
  },
  shipping: { ils_checked_out: { to: ['shipped'], run: ({ lifecycle: lc }, ev, ctx) => loanedAfterCheckout(lc, ev.dueDate, ctx.at) } },
};

/** The supplier machine as data: what `decideSupplier` runs, and what `acceptedEvents` and the diagrams read. */
export const SUPPLIER_MODEL = machineModel<SupplierState, SupplierEventKey>(
  { name: 'supplier', states: SUPPLIER_STATES, initial: ['received'], events: SUPPLIER_EVENT_KEYS },
  SYSTEM_ROWS,
  MESSAGE_ROWS,
  prefixed('staff:', STAFF_ROWS),
);

function onSystemEvent(current: Current<SupplierState>, event: SystemEvent, ctx: SupplierContext): Decision<SupplierState> {
  const { state } = current;
  // SystemRow gives the transition for `event.type` exactly that event type.
  const t = SYSTEM_ROWS[state]?.[event.type] as Transition<SupplierState, SystemEvent, SupplierContext> | undefined;
  const d = t?.run(current, event, ctx);
  if (d) return d;
  return refuse(state, event.type, event.type === 'ils_checked_out' ? 'only a request waiting for its ILS checkout goes on to Loaned' : 'only a request just received is validated');
}

export function decideSupplier(current: SupplierRequest, event: SupplierEvent, ctx: SupplierContext): Decision<SupplierState> {
  switch (event.type) {
    case 'requester_message':
      return onRequesterMessage(current, event, ctx);
    case 'staff':
      return onSupplierStaffAction(current, event, ctx);
    default:
      return onSystemEvent(current, event, ctx);
  }
}
