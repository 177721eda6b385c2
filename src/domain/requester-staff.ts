/**
 * What borrowing staff may do in each requester state, as a table of handlers: the list the API
 * offers ("actions available next") and what `decideRequester` accepts are the same table.
 */
import { decision, ncip, notify, ram, refuse } from './decision';
import { CONDITIONS_AGREED_NOTE, CONDITIONS_REJECTED_NOTE, REQUESTER_STAFF_ACTIONS, asItemPlace } from './requester-states';
import type { ItemPlace, RequesterContext, RequesterStaffAction, RequesterStaffEvent, RequesterState } from './requester-states';
import { sendToSupplier, supplierName } from './rota';
import type { Decision, Lifecycle } from './types';

type Handler = (lc: Lifecycle, ev: RequesterStaffEvent, ctx: RequesterContext) => Decision<RequesterState>;
type Handlers = Partial<Record<RequesterStaffAction, Handler>>;

const withNote = (text: string, note: string | undefined): string => (note ? `${text}: ${note}` : text);

const closeManually: Handler = (_lc, ev) => decision('closed', {}, [], withNote('closed manually by staff', ev.note));

/** Before anything went to a supplier there is nobody to ask: the request ends at once. */
const cancelHere: Handler = (_lc, ev) => decision('cancelled', {}, [notify('cancelled')], withNote('cancelled by staff before sending', ev.note));

/** Once sent, a cancel is a question to the supplier (mod-rs REQ_CANCEL_PENDING, saveRestoreState). */
const cancelWithSupplier =
  (from: RequesterState): Handler =>
  (_lc, ev) =>
    decision('cancel_pending', { resumeState: from }, [ram('Cancel', ev.note)]);

const send: Handler = (lc, ev, ctx) => {
  const rota = ev.rota ?? lc.rota ?? [];
  if (rota.length === 0) refuse('validated', 'staff:send', 'the request has no supplier to send to');
  const changes: Partial<Lifecycle> = ev.rota ? { rota: ev.rota, rotaIndex: 0 } : { rotaIndex: 0 };
  return decision('sent_to_supplier', changes, sendToSupplier(0, ctx), `sent to ${supplierName({ ...lc, rota }, 0)}`);
};

/** With the ILS checking patrons, LookupUser goes out again; its answer validates or fails the request. */
const retry: Handler = (_lc, _ev, ctx) =>
  ctx.ils?.lookupUser
    ? decision('new', { reason: undefined }, [ncip('LookupUser')], 'staff asked to check the patron in the ILS again')
    : decision('new', { reason: undefined }, [], 'staff asked to validate the patron again');

const acceptConditions: Handler = (lc, ev) =>
  decision('will_supply', {}, [ram('Notification', withNote(CONDITIONS_AGREED_NOTE, ev.note))], `agreed to the loan conditions of ${supplierName(lc)}`);

/** Rejecting conditions is a Cancel to the current supplier (CrossLink, ReShare); an accepted one moves the rota on. */
const rejectConditions: Handler = (_lc, ev) => decision('cancel_pending', { resumeState: 'conditional' }, [ram('Cancel', withNote(CONDITIONS_REJECTED_NOTE, ev.note))]);

const markReceived: Handler = (_lc, ev) => decision('received', {}, [ram('Received', ev.note), ncip('AcceptItem'), notify('ready_for_pickup')]);

/** The loan to the patron happens at the circulation desk, on the temporary item AcceptItem created. */
const checkOut: Handler = () => decision('checked_out');

const markReturned: Handler = () => decision('returned_by_patron', {}, [ncip('CheckInItem')]);

const shipReturn: Handler = (_lc, ev) => decision('shipped_return', {}, [ram('ShippedReturn', ev.note), ncip('DeleteItem')]);

/** Uncollected: the patron's hold on the temporary item (AcceptItem) is cancelled before the item is removed. */
const returnUncollected: Handler = (_lc, ev) =>
  decision('shipped_return', {}, [ram('ShippedReturn', ev.note), ncip('CancelRequestItem'), ncip('DeleteItem')], withNote('shipped back uncollected', ev.note));

const renewFrom =
  (place: ItemPlace): Handler =>
  (_lc, ev) =>
    decision('renew_pending', { resumeState: place }, [ram('Renew', ev.note)]);

/** What staff can do with the item where it is. A received item may go back uncollected. */
function placeHandlers(place: ItemPlace): Handlers {
  switch (place) {
    case 'shipped':
      return { mark_received: markReceived };
    case 'received':
      return { check_out: checkOut, ship_return: returnUncollected, renew: renewFrom('received') };
    case 'checked_out':
      return { mark_returned: markReturned, renew: renewFrom('checked_out') };
    case 'returned_by_patron':
      return { ship_return: shipReturn };
  }
}

/**
 * overdue, recalled and renew_pending keep the actions of the item's place; taking one leaves
 * the waiting state (a late RenewResponse then meets the new state and is judged by its status).
 */
function fromResumePlace(lc: Lifecycle, renewable: boolean): Handlers {
  const place = asItemPlace(lc.resumeState);
  if (!place) return {};
  const handlers: Handlers = {};
  for (const [action, handler] of Object.entries(placeHandlers(place)) as [RequesterStaffAction, Handler][]) {
    if (action === 'renew' && !renewable) continue;
    handlers[action] = (l, ev, ctx) => {
      const d = handler(l, ev, ctx);
      return { ...d, changes: { resumeState: undefined, ...d.changes } };
    };
  }
  return handlers;
}

function handlersFor(state: RequesterState, lc: Lifecycle): Handlers {
  switch (state) {
    case 'new':
      return { cancel: cancelHere, close_manually: closeManually };
    case 'validated':
      return { send, cancel: cancelHere, close_manually: closeManually };
    case 'error':
      return { retry, cancel: cancelHere, close_manually: closeManually };
    case 'sent_to_supplier':
    case 'expect_to_supply':
    case 'will_supply':
      return { cancel: cancelWithSupplier(state), close_manually: closeManually };
    case 'conditional':
      return { accept_conditions: acceptConditions, reject_conditions: rejectConditions, close_manually: closeManually };
    case 'shipped':
    case 'received':
    case 'checked_out':
    case 'returned_by_patron':
      return { ...placeHandlers(state), close_manually: closeManually };
    case 'overdue':
      return { ...fromResumePlace(lc, true), close_manually: closeManually };
    case 'recalled':
    case 'renew_pending':
      return { ...fromResumePlace(lc, false), close_manually: closeManually };
    case 'cancel_pending':
    case 'shipped_return':
      return { close_manually: closeManually };
    case 'complete':
    case 'cancelled':
    case 'unfilled':
    case 'closed':
      return {};
  }
}

/** The staff actions the request offers now, in REQUESTER_STAFF_ACTIONS order. */
export function requesterActions(state: RequesterState, lifecycle: Lifecycle): RequesterStaffAction[] {
  const handlers = handlersFor(state, lifecycle);
  return REQUESTER_STAFF_ACTIONS.filter((a) => handlers[a] !== undefined);
}

export function onStaffAction(state: RequesterState, lc: Lifecycle, ev: RequesterStaffEvent, ctx: RequesterContext): Decision<RequesterState> {
  const handler = handlersFor(state, lc)[ev.action];
  if (!handler) return refuse(state, `staff:${ev.action}`, `staff cannot ${ev.action.replace(/_/g, ' ')} a request that is ${state.replace(/_/g, ' ')}`);
  return handler(lc, ev, ctx);
}
