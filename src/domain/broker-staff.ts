/**
 * What hub staff may do with a brokered transaction, as rows: cancel it, skip the current supplier,
 * or re-route it from today's directory. Each carries staff's reason, and the requester hears it in
 * the note of the ISO 18626 message the hub sends: a StatusChange Cancelled (cancel), the hub's
 * usual news of the search going on (Notification ExpectToSupply naming the next supplier, or
 * Unfilled and then ExpectToSupply once it had heard WillSupply), or StatusChange Unfilled when
 * nobody is left. The supplier moved on from is sent a Cancel, as when it stays silent.
 * `close_manually` is the way out of any state that has not ended (crosslink's MANUALLY_CLOSED):
 * the hub stops relaying and tells the requester why in a Notification; the supplier is not sent
 * anything (staff settle the loan with it by hand, as a requester's close leaves the ILS alone).
 */
import { decision, refuse } from './decision';
import { currentOf, moveOn, toRequester, toSupplier } from './broker-hub';
import type { BrokerContext, BrokerStaffAction, BrokerStaffEvent, BrokerState } from './broker-states';
import { BROKER_STAFF_ACTIONS } from './broker-states';
import { step, transitionOf, type Current, type Row, type Rows, type Transition } from './machine';
import { reroutedRota, supplierName } from './rota';
import type { Decision, Lifecycle } from './types';

type T = Transition<BrokerState, BrokerStaffEvent, BrokerContext>;
type StaffRow = Row<BrokerState, BrokerStaffAction, BrokerStaffEvent, BrokerContext>;

const reasonOf = (ev: BrokerStaffEvent): string => ev.reason ?? 'no reason given';
const withdraw = (lc: Lifecycle, why: string) => toSupplier({ kind: 'requestingAgencyMessage', action: 'Cancel', note: `The broker has withdrawn the request: ${why}` }, currentOf(lc));

/** Cancelled at the hub: the supplier is withdrawn from, the requester told, and no other supplier asked. */
const cancel: T = {
  to: ['cancelled'],
  run: ({ state, lifecycle: lc }, ev) => {
    const why = reasonOf(ev);
    // With a retry offer open the supplier's transaction already ended with it.
    const toSupplierToo = state === 'retry_offered' ? [] : [withdraw(lc, why)];
    return decision(
      'cancelled',
      { resumeState: undefined, lastStatus: 'Cancelled', retryOffer: undefined },
      [...toSupplierToo, toRequester({ reasonForMessage: 'StatusChange', status: 'Cancelled', note: `Cancelled by the broker: ${why}` })],
      `cancelled by broker staff: ${why}; ${state === 'retry_offered' ? 'the requester is told' : `${supplierName(lc)} and the requester are told`}`,
    );
  },
};

/** Closed by hub staff: the requester hears why, keeping the status it last heard; nothing more is relayed. */
const closeManually: T = {
  to: ['closed'],
  run: ({ state, lifecycle: lc }, ev) => {
    const why = reasonOf(ev);
    const status = lc.lastStatus === undefined || lc.lastStatus === 'RequestReceived' ? 'ExpectToSupply' : lc.lastStatus;
    return decision('closed', { resumeState: undefined }, [toRequester({ reasonForMessage: 'Notification', status, note: `Closed by the broker: ${why}` })], `closed by broker staff in ${state.replace(/_/g, ' ')}: ${why}; the requester is told`);
  },
};

/** The current supplier is withdrawn from and the next asked, or the transaction ends unfilled. */
const skipSupplier: T = {
  to: ['searching', 'unfilled'],
  run: ({ state, lifecycle: lc }, ev, ctx) => {
    const why = reasonOf(ev);
    const moved = moveOn(state, lc, `was skipped by broker staff: ${why}`, ctx);
    return { ...moved, effects: [withdraw(lc, why), ...moved.effects] };
  },
};

/**
 * Today's rota (`ev.rota`, routed again by the service) as for a borrowing request (rota.ts
 * `reroutedRota`): suppliers asked before are not asked again; the current one keeps the request
 * when it comes first of the rest (the requester hears a Notification with the reason), else it is
 * withdrawn from and the first new one asked. A rota with nobody new is refused.
 */
const reroute = (from: BrokerState): T => ({
  to: [...new Set<BrokerState>([from, 'searching'])],
  run: ({ state, lifecycle: lc }, ev, ctx) => {
    const today = ev.rota ?? refuse(state, 'staff:reroute', 'routing gave no rota');
    const why = reasonOf(ev);
    const r = reroutedRota(lc, today);
    const rerouted = { ...lc, rota: r.rota };
    if (r.keepsCurrent) {
      const status = lc.lastStatus === undefined || lc.lastStatus === 'RequestReceived' ? 'ExpectToSupply' : lc.lastStatus;
      return decision(state, { rota: r.rota }, [toRequester({ reasonForMessage: 'Notification', status, note: `The broker re-routed the request (${why}); ${supplierName(rerouted)} keeps it` })], `re-routed by broker staff: ${why}; ${supplierName(rerouted)} stays first`);
    }
    if (r.rotaIndex >= r.rota.length) refuse(state, 'staff:reroute', 'routing finds no supplier that was not asked already');
    const moved = moveOn(state, rerouted, `was withdrawn: broker staff re-routed the request (${why})`, ctx);
    return { ...moved, changes: { ...moved.changes, rota: r.rota }, effects: [withdraw(lc, why), ...moved.effects] };
  },
});

const searching = (from: BrokerState): StaffRow => ({ skip_supplier: skipSupplier, reroute: reroute(from), cancel, close_manually: closeManually });

/** The hub staff actions of each state; once shipped the loan runs between the libraries. */
export const STAFF_ROWS: Rows<BrokerState, BrokerStaffAction, BrokerStaffEvent, BrokerContext> = {
  searching: searching('searching'),
  expect_to_supply: searching('expect_to_supply'),
  will_supply: searching('will_supply'),
  conditional: searching('conditional'),
  retry_offered: { cancel, close_manually: closeManually },
  cancel_pending: { close_manually: closeManually },
  shipped: { close_manually: closeManually },
  returned: { close_manually: closeManually },
  complete: {},
  cancelled: {},
  unfilled: {},
  closed: {},
};

export function brokerActions(state: BrokerState, lifecycle: Lifecycle): BrokerStaffAction[] {
  return BROKER_STAFF_ACTIONS.filter((a) => transitionOf(STAFF_ROWS[state], a, lifecycle) !== undefined);
}

export function onStaffAction(current: Current<BrokerState>, ev: BrokerStaffEvent, ctx: BrokerContext): Decision<BrokerState> {
  return step(STAFF_ROWS, ev.action, current, ev, ctx) ?? refuse(current.state, `staff:${ev.action}`, `hub staff cannot ${ev.action.replace(/_/g, ' ')} a transaction that is ${current.state.replace(/_/g, ' ')}`);
}
