/**
 * What borrowing staff may do in each requester state, as rows of transitions: the list the API
 * offers ("actions available next") and what `decideRequester` accepts are the same rows.
 */
import { decision, ncip, notify, ram, refuse } from './decision';
import { step, transitionOf, type Current, type Row, type Rows, type Transition } from './machine';
import { CONDITIONS_AGREED_NOTE, CONDITIONS_REJECTED_NOTE, ITEM_PLACES, REQUESTER_STAFF_ACTIONS, asItemPlace } from './requester-states';
import type { ItemPlace, RequesterContext, RequesterStaffAction, RequesterStaffEvent, RequesterState } from './requester-states';
import { acceptRetry, cancelOffer, declineRetry } from './requester-retry';
import { FRESH_SUPPLIER, nextSupplier, reroutedRota, sendToSupplier, supplierName, withdrawFrom } from './rota';
import type { Decision, Lifecycle } from './types';

type T = Transition<RequesterState, RequesterStaffEvent, RequesterContext>;
type StaffRow = Row<RequesterState, RequesterStaffAction, RequesterStaffEvent, RequesterContext>;

const withNote = (text: string, note: string | undefined): string => (note ? `${text}: ${note}` : text);

const closeManually: T = { to: ['closed'], run: (_c, ev) => decision('closed', {}, [], withNote('closed manually by staff', ev.note)) };

/** Before anything went to a supplier there is nobody to ask: the request ends at once. */
const cancelHere: T = { to: ['cancelled'], run: (_c, ev) => decision('cancelled', {}, [notify('cancelled')], withNote('cancelled by staff before sending', ev.note)) };

/** Once sent, a cancel is a question to the supplier (mod-rs REQ_CANCEL_PENDING, saveRestoreState). */
const cancelWithSupplier = (from: RequesterState): T => ({ to: ['cancel_pending'], run: (_c, ev) => decision('cancel_pending', { resumeState: from }, [ram('Cancel', ev.note)]) });

const send: T = {
  to: ['sent_to_supplier'],
  run: ({ state, lifecycle: lc }, ev, ctx) => {
    const rota = ev.rota ?? lc.rota ?? [];
    if (rota.length === 0) refuse(state, 'staff:send', 'the request has no supplier to send to');
    const changes: Partial<Lifecycle> = ev.rota ? { rota: ev.rota, rotaIndex: 0 } : { rotaIndex: 0 };
    return decision('sent_to_supplier', changes, sendToSupplier(0, ctx), `sent to ${supplierName({ ...lc, rota }, 0)}`);
  },
};

/** Staff lend their own copy to their patron: the request ends, and no other library hears of it. */
const fillLocally: T = { to: ['filled_locally'], run: (_c, ev) => decision('filled_locally', {}, [notify('filled_locally')], withNote('filled locally from our own collection', ev.note)) };

/** With the ILS checking patrons, LookupUser goes out again; its answer validates or fails the request. */
const retry: T = {
  to: ['new'],
  run: (_c, _ev, ctx) =>
    ctx.ils?.lookupUser
      ? decision('new', { reason: undefined, reasonCategory: undefined }, [ncip('LookupUser')], 'staff asked to check the patron in the ILS again')
      : decision('new', { reason: undefined, reasonCategory: undefined }, [], 'staff asked to validate the patron again'),
};

/**
 * Staff correct the patron (id, e-mail, pickup location: request data, changed by the service).
 * In `error` the request waits for `retry`, which checks the corrected patron; once validated,
 * with the ILS checking patrons, it goes back to `new` and LookupUser checks the patron again.
 */
const editPatron = (state: 'new' | 'error' | 'validated' | 'local_review'): T => ({
  to: state === 'validated' || state === 'local_review' ? [state, 'new'] : [state],
  run: (_c, ev, ctx) =>
    (state === 'validated' || state === 'local_review') && ctx.ils?.lookupUser
      ? decision('new', {}, [ncip('LookupUser')], withNote('patron edited by staff; checking the patron in the ILS again', ev.note))
      : decision(state, {}, [], withNote('patron edited by staff', ev.note)),
});

const acceptConditions: T = {
  to: ['will_supply'],
  run: ({ lifecycle: lc }, ev) => decision('will_supply', {}, [ram('Notification', withNote(CONDITIONS_AGREED_NOTE, ev.note))], `agreed to the loan conditions of ${supplierName(lc)}`),
};

/** Rejecting conditions is a Cancel to the current supplier (CrossLink, ReShare); an accepted one moves the rota on. */
const rejectConditions: T = { to: ['cancel_pending'], run: (_c, ev) => decision('cancel_pending', { resumeState: 'conditional' }, [ram('Cancel', withNote(CONDITIONS_REJECTED_NOTE, ev.note))]) };

const markReceived: T = { to: ['received'], run: (_c, ev) => decision('received', {}, [ram('Received', ev.note), ncip('AcceptItem'), notify('ready_for_pickup')]) };

/** The loan to the patron happens at the circulation desk, on the temporary item AcceptItem created. */
const checkOut: T = { to: ['checked_out'], run: () => decision('checked_out') };

const markReturned: T = { to: ['returned_by_patron'], run: () => decision('returned_by_patron', {}, [ncip('CheckInItem')]) };

const shipReturn: T = { to: ['shipped_return'], run: (_c, ev) => decision('shipped_return', {}, [ram('ShippedReturn', ev.note), ncip('DeleteItem')]) };

/** Uncollected: the patron's hold on the temporary item (AcceptItem) is cancelled before the item is removed. */
const returnUncollected: T = {
  to: ['shipped_return'],
  run: (_c, ev) => decision('shipped_return', {}, [ram('ShippedReturn', ev.note), ncip('CancelRequestItem'), ncip('DeleteItem')], withNote('shipped back uncollected', ev.note)),
};

const renewFrom = (place: ItemPlace): T => ({ to: ['renew_pending'], run: (_c, ev) => decision('renew_pending', { resumeState: place }, [ram('Renew', ev.note)]) });

/** What staff can do with the item where it is. A received item may go back uncollected. */
const PLACE_ROWS: Record<ItemPlace, StaffRow> = {
  shipped: { mark_received: markReceived },
  received: { check_out: checkOut, ship_return: returnUncollected, renew: renewFrom('received') },
  checked_out: { mark_returned: markReturned, renew: renewFrom('checked_out') },
  returned_by_patron: { ship_return: shipReturn },
};

/**
 * overdue, recalled and renew_pending keep the actions of the item's place (`resumeState`);
 * taking one leaves the waiting state (a late RenewResponse then meets the new state and is
 * judged by its status).
 */
function atResumePlace(renewable: boolean): StaffRow {
  const row: Record<string, T> = {};
  for (const place of ITEM_PLACES) {
    for (const [action, t] of Object.entries(PLACE_ROWS[place]) as [RequesterStaffAction, T][]) {
      if (action === 'renew' && !renewable) continue;
      row[action] = {
        to: [...new Set([...(row[action]?.to ?? []), ...t.to])],
        offeredWhen: (lc) => placeAction(lc, action) !== undefined,
        run: (current, ev, ctx) => {
          const d = placeAction(current.lifecycle, action)?.run(current, ev, ctx);
          return d && { ...d, changes: { resumeState: undefined, ...d.changes } };
        },
      };
    }
  }
  return row;
}

function placeAction(lc: Lifecycle, action: RequesterStaffAction): T | undefined {
  const place = asItemPlace(lc.resumeState);
  return place && PLACE_ROWS[place][action];
}

/** What the supplier staff moved on from is told (its Cancel's note). */
const WITHDRAWN = 'The borrowing library has withdrawn the request: it goes to another library or is closed';

/** Staff give up on the current supplier: it is sent a Cancel (as when it stays silent) and the next is asked, or the request ends unfilled. */
const skipSupplier: T = {
  to: ['sent_to_supplier', 'unfilled'],
  run: ({ lifecycle: lc }, ev, ctx) => withdrawFrom(lc.rotaIndex ?? 0, withNote(WITHDRAWN, ev.note), nextSupplier(lc, withNote('was skipped by staff', ev.note), ctx)),
};

/**
 * Today's rota (routing ran again, `ev.rota`): suppliers asked before are not asked again; the
 * current supplier keeps the request if today's rota starts with it, else it is sent a Cancel and
 * the first new supplier is asked. A rota with nobody new is refused: nothing changes.
 */
const reroute = (from: RequesterState): T => ({
  to: [...new Set<RequesterState>([from, 'sent_to_supplier'])],
  run: ({ state, lifecycle: lc }, ev, ctx) => {
    const today = ev.rota ?? refuse(state, 'staff:reroute', 'routing gave no rota');
    const r = reroutedRota(lc, today);
    const next = { ...lc, rota: r.rota };
    const leftOut = r.leftOut.length > 0 ? `; not asked again: ${r.leftOut.join(', ')}` : '';
    if (r.keepsCurrent) return decision(state, { rota: r.rota }, [], withNote(`re-routed: ${supplierName(next)} stays first, ${r.rota.length - 1 - r.rotaIndex} after it${leftOut}`, ev.note));
    if (r.rotaIndex >= r.rota.length) refuse(state, 'staff:reroute', `routing finds no supplier that was not asked already${leftOut}`);
    const moved = decision('sent_to_supplier', { ...FRESH_SUPPLIER, rota: r.rota, rotaIndex: r.rotaIndex }, sendToSupplier(r.rotaIndex, ctx), withNote(`re-routed: ${supplierName(lc)} is withdrawn; sent to ${supplierName(next, r.rotaIndex)}${leftOut}`, ev.note));
    return withdrawFrom(lc.rotaIndex ?? 0, withNote(WITHDRAWN, ev.note), moved);
  },
});

/** While a supplier has the request and has not shipped, staff may move on from it. */
const movingOn = (from: RequesterState): StaffRow => ({ skip_supplier: skipSupplier, reroute: reroute(from) });

/**
 * An ended request is asked for again as a new one (the service makes it, with its own id and a
 * fresh rota, and links the two); this one stays as it ended, with a note.
 */
const rerequest = (ended: RequesterState): T => ({ to: [ended], run: (_c, ev) => decision(ended, {}, [], withNote('re-requested as a new request', ev.note)) });

const beforeSending: StaffRow = { cancel: cancelHere, close_manually: closeManually };
const waitingForSupplier = (from: RequesterState): StaffRow => ({ ...movingOn(from), cancel: cancelWithSupplier(from), close_manually: closeManually });

/** The staff actions of each requester state: what the API offers and what `decideRequester` accepts. */
export const STAFF_ROWS: Rows<RequesterState, RequesterStaffAction, RequesterStaffEvent, RequesterContext> = {
  new: { edit_patron: editPatron('new'), ...beforeSending },
  validated: { send, edit_patron: editPatron('validated'), ...beforeSending },
  local_review: { fill_locally: fillLocally, send, edit_patron: editPatron('local_review'), ...beforeSending },
  error: { retry, edit_patron: editPatron('error'), ...beforeSending },
  sent_to_supplier: waitingForSupplier('sent_to_supplier'),
  expect_to_supply: waitingForSupplier('expect_to_supply'),
  will_supply: waitingForSupplier('will_supply'),
  conditional: { accept_conditions: acceptConditions, reject_conditions: rejectConditions, ...movingOn('conditional'), close_manually: closeManually },
  shipped: { ...PLACE_ROWS.shipped, close_manually: closeManually },
  received: { ...PLACE_ROWS.received, close_manually: closeManually },
  checked_out: { ...PLACE_ROWS.checked_out, close_manually: closeManually },
  returned_by_patron: { ...PLACE_ROWS.returned_by_patron, close_manually: closeManually },
  overdue: { ...atResumePlace(true), close_manually: closeManually },
  recalled: { ...atResumePlace(false), close_manually: closeManually },
  renew_pending: { ...atResumePlace(false), close_manually: closeManually },
  retry_offered: { accept_retry: acceptRetry, decline_retry: declineRetry, cancel: cancelOffer, close_manually: closeManually },
  retry_scheduled: { decline_retry: declineRetry, cancel: cancelOffer, close_manually: closeManually },
  cancel_pending: { close_manually: closeManually },
  shipped_return: { close_manually: closeManually },
  complete: {},
  cancelled: { rerequest: rerequest('cancelled') },
  unfilled: { rerequest: rerequest('unfilled') },
  filled_locally: {},
  closed: {},
};

/** The staff actions the request offers now, in REQUESTER_STAFF_ACTIONS order. */
export function requesterActions(state: RequesterState, lifecycle: Lifecycle): RequesterStaffAction[] {
  return REQUESTER_STAFF_ACTIONS.filter((a) => transitionOf(STAFF_ROWS[state], a, lifecycle) !== undefined);
}

export function onStaffAction(current: Current<RequesterState>, ev: RequesterStaffEvent, ctx: RequesterContext): Decision<RequesterState> {
  const { state } = current;
  return step(STAFF_ROWS, ev.action, current, ev, ctx) ?? refuse(state, `staff:${ev.action}`, `staff cannot ${ev.action.replace(/_/g, ' ')} a request that is ${state.replace(/_/g, ' ')}`);
}
