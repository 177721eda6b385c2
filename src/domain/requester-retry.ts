/**
 * The requester's side of the retry flow (retry.ts): a RetryPossible offer waits for staff in
 * `retry_offered`; accepting sends a Retry under a new request id, at once or at the offer's
 * retryAfter (`retry_scheduled`); declining, or the offer's retryBefore passing, moves the rota on.
 * An offer relayed by a broker hub (a Notification) is the hub's to act on: declining it tells the
 * hub (RETRY_DECLINED_MARKER), and its expiry leaves the hub to go on by itself.
 *
 * The patron is not told of an offer: taking it up is staff's decision (a price, another edition).
 */
import { decision, notify, ram, refuse } from './decision';
import type { Current, Transition } from './machine';
import type { RequesterContext, RequesterEvent, RequesterStaffEvent, RequesterState, SupplierMessageEvent } from './requester-states';
import { describeOffer, msUntil, offerOf, RETRY_DECLINED_MARKER, retryRequestId, retryTimer } from './retry';
import { nextSupplier, sendToSupplier, supplierName } from './rota';
import type { Decision, Lifecycle } from './types';

type StaffT = Transition<RequesterState, RequesterStaffEvent, RequesterContext>;
type MessageT = Transition<RequesterState, SupplierMessageEvent, RequesterContext>;
type TimerT<K extends 'retry_expired' | 'retry_due'> = Transition<RequesterState, Extract<RequesterEvent, { type: K }>, RequesterContext>;

const withNote = (text: string, note: string | undefined): string => (note ? `${text}: ${note}` : text);

/** What is forgotten of an offer once it is taken up, declined or gone. */
export const OFFER_DONE: Partial<Lifecycle> = { retryOffer: undefined, retryAt: undefined, pendingNote: undefined };
const offerDone = (d: Decision<RequesterState>): Decision<RequesterState> => ({ ...d, changes: { ...OFFER_DONE, ...d.changes } });
/** The hub goes on with another supplier: what the requester heard of this one no longer holds (as for Unfilled as a Notification). */
const HUB_GOES_ON: Partial<Lifecycle> = { ...OFFER_DONE, lastStatus: undefined, loanConditions: undefined };

/**
 * RetryPossible from the current supplier (`throughHub`: relayed by a broker hub as a
 * Notification). The offer is kept for staff; with a retryBefore, a timer ends it then.
 */
export function offerReceived(throughHub: boolean): MessageT {
  return {
    to: ['retry_offered'],
    run: ({ lifecycle: lc }, m, ctx) => {
      if (m.status !== 'RetryPossible') return undefined;
      const offer = offerOf(m, lc.rota?.[lc.rotaIndex ?? 0]?.symbol, ctx.at, throughHub);
      const expiry = msUntil(offer.retryBefore, ctx.at);
      const by = throughHub ? `${supplierName(lc)} relays a retry offer` : `${supplierName(lc)} offers a retry`;
      return decision('retry_offered', { retryOffer: offer, ...(throughHub ? {} : { lastStatus: 'RetryPossible' as const }) }, expiry === undefined ? [] : [retryTimer('retry_expiry', expiry, lc)], `${by}: ${describeOffer(offer)}`);
    },
  };
}

/**
 * The Retry goes out under a new requestingAgencyRequestId (the supplier keys transactions by it),
 * naming the id the offer was made for; the earlier ids are kept so a late message about them is
 * still found (and noted).
 */
function sendRetry(current: Current<RequesterState>, ctx: RequesterContext, note: string | undefined, action: string): Decision<RequesterState> {
  const { state, lifecycle: lc } = current;
  const id = current.requestingAgencyRequestId ?? refuse(state, action, 'the request id the offer was made for is not known');
  const renamed = retryRequestId(id, lc.earlierRequestIds);
  const changes: Partial<Lifecycle> = { ...OFFER_DONE, earlierRequestIds: [...(lc.earlierRequestIds ?? []), id], lastStatus: undefined, loanConditions: undefined };
  const sent = decision('sent_to_supplier', changes, sendToSupplier(lc.rotaIndex ?? 0, ctx, { retryOf: id, note }), `sent the retry to ${supplierName(lc)} as ${renamed}`);
  return { ...sent, requestingAgencyRequestId: renamed };
}

/**
 * Taken up: the Retry goes out at once, or, with the offer's retryAfter still to come, waits in
 * `retry_scheduled` (the transaction keeps its id until then: a hub may still speak of it).
 */
export const acceptRetry: StaffT = {
  to: ['sent_to_supplier', 'retry_scheduled'],
  run: (current, ev, ctx) => {
    const { state, lifecycle: lc } = current;
    const offer = lc.retryOffer ?? refuse(state, 'staff:accept_retry', 'there is no retry offer to accept');
    const serviceType: Partial<Lifecycle> = ev.serviceType ? { serviceType: ev.serviceType } : {};
    const wait = msUntil(offer.retryAfter, ctx.at);
    if (wait !== undefined && wait > 0) {
      const note = withNote(`accepted the retry offer of ${supplierName(lc)}; the retry goes out at ${offer.retryAfter}`, ev.note);
      return decision('retry_scheduled', { ...serviceType, retryAt: offer.retryAfter, ...(ev.note ? { pendingNote: ev.note } : {}) }, [retryTimer('retry_due', wait, lc)], note);
    }
    const sent = sendRetry(current, ctx, ev.note, 'staff:accept_retry');
    return { ...sent, changes: { ...sent.changes, ...serviceType }, note: withNote(`accepted the retry offer of ${supplierName(lc)}; ${sent.note ?? ''}`, ev.note) };
  },
};

/** Declined: the rota moves on as after Unfilled; an offer through a hub is the hub's to move on from. */
export const declineRetry: StaffT = {
  to: ['sent_to_supplier', 'unfilled'],
  run: ({ state, lifecycle: lc }, ev, ctx) => {
    const offer = lc.retryOffer ?? refuse(state, 'staff:decline_retry', 'there is no retry offer to decline');
    if (offer.throughHub) {
      const note = `${RETRY_DECLINED_MARKER} ${ev.note ?? 'The retry offer is declined'}`;
      return decision('sent_to_supplier', HUB_GOES_ON, [ram('Notification', note)], withNote(`declined the retry offered through ${supplierName(lc)}; the broker goes on with another supplier`, ev.note));
    }
    return offerDone(nextSupplier(lc, withNote(`offered a retry (${describeOffer(offer)}), which staff declined`, ev.note), ctx));
  },
};

/**
 * The supplier's transaction ended with its offer: a direct request is cancelled here at once. A
 * hub still holds its transaction, so it is sent the Cancel.
 */
export const cancelOffer: StaffT = {
  to: ['cancelled', 'cancel_pending'],
  run: ({ lifecycle: lc }, ev) =>
    lc.retryOffer?.throughHub
      ? decision('cancel_pending', { resumeState: 'sent_to_supplier', retryAt: undefined }, [ram('Cancel', ev.note)], withNote(`cancelled by staff; ${supplierName(lc)} is told`, ev.note))
      : decision('cancelled', { retryAt: undefined }, [notify('cancelled')], withNote("cancelled by staff; the supplier's transaction ended with its retry offer", ev.note)),
};

/** The offer's retryBefore has come and staff have not taken it up. */
export const offerExpired: TimerT<'retry_expired'> = {
  to: ['sent_to_supplier', 'unfilled'],
  run: ({ lifecycle: lc }, ev, ctx) => {
    const offer = lc.retryOffer;
    if (!offer || ev.rotaIndex !== (lc.rotaIndex ?? 0)) return undefined;
    if (offer.throughHub) return decision('sent_to_supplier', HUB_GOES_ON, [], `the retry offered through ${supplierName(lc)} expired (${offer.retryBefore ?? ''}); the broker goes on by itself`);
    return offerDone(nextSupplier(lc, `offered a retry that expired at ${offer.retryBefore ?? ''} before staff took it up`, ctx));
  },
};

/** A scheduled retry's time has come: it goes out. */
export const retryDue: TimerT<'retry_due'> = {
  to: ['sent_to_supplier'],
  run: (current, ev, ctx) => (ev.rotaIndex === (current.lifecycle.rotaIndex ?? 0) ? sendRetry(current, ctx, current.lifecycle.pendingNote, 'retry_due') : undefined),
};
