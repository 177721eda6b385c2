/**
 * The hub's side of the retry flow (retry.ts). A supplier's RetryPossible is relayed to the
 * requester as a Notification (the hub goes on otherwise, as with its "Unfilled as Notification"),
 * and the hub waits in `retry_offered` until the offer's retryBefore, capped at its usual answer
 * timeout: a requester that says nothing (most third-party ones) is then moved on from by the timer.
 * The requester's Retry (a `request` naming this transaction) goes to the same supplier, naming
 * the id that supplier knew; a Notification with RETRY_DECLINED_MARKER asks the next supplier.
 */
import { decision } from './decision';
import { annotate, ask, currentOf, FRESH_SUPPLIER, moveOn, toRequester } from './broker-hub';
import type { BrokerContext, BrokerEvent, BrokerState } from './broker-states';
import type { Transition } from './machine';
import type { SupplierMessageEvent } from './requester-states';
import { describeOffer, msUntil, offerOf, retryTimer } from './retry';
import { supplierName } from './rota';
import type { RequesterMessageEvent } from './supplier-states';
import type { Decision } from './types';

type Sam = SupplierMessageEvent;
type Ram = RequesterMessageEvent;
type SystemT<K extends BrokerEvent['type']> = Transition<BrokerState, Extract<BrokerEvent, { type: K }>, BrokerContext>;

/** RetryPossible from the current supplier: the requester hears the offer; the hub waits for its answer. */
export const offerRelayed: Transition<BrokerState, Sam, BrokerContext> = {
  to: ['retry_offered'],
  run: ({ lifecycle: lc }, m, ctx) => {
    const offer = offerOf(m, currentOf(lc), ctx.at, false);
    const wait = Math.min(msUntil(offer.retryBefore, ctx.at) ?? ctx.supplierTimeoutMs, ctx.supplierTimeoutMs);
    const relayed = toRequester(
      { reasonForMessage: 'Notification', status: 'RetryPossible', reasonRetry: offer.reason, offeredCosts: offer.offeredCosts, retryAfter: offer.retryAfter, retryBefore: offer.retryBefore, note: m.note },
      currentOf(lc),
    );
    return decision('retry_offered', { lastStatus: 'RetryPossible', retryOffer: offer }, [relayed, retryTimer('retry_expiry', wait, lc)], annotate(`${supplierName(lc)} offers a retry (${describeOffer(offer)}); relayed to the requester`, m.note));
  },
};

/** The requester's Retry: the same supplier is asked again under the new id, naming the one it knew. */
export const retryRequested: SystemT<'retry_request'> = {
  to: ['searching'],
  run: ({ lifecycle: lc, requestingAgencyRequestId: previous }, ev, ctx) => {
    if (!lc.retryOffer || previous === undefined) return undefined;
    const index = lc.rotaIndex ?? 0;
    const changes = { ...FRESH_SUPPLIER, retryOffer: undefined, earlierRequestIds: [...(lc.earlierRequestIds ?? []), previous], ...(ev.serviceType ? { serviceType: ev.serviceType } : {}) };
    const note = `the requester takes up the retry offer as ${ev.requestingAgencyRequestId}: asking ${supplierName(lc)} again`;
    return { ...decision('searching', changes, ask(lc, index, ctx, { retryOf: previous }), note), requestingAgencyRequestId: ev.requestingAgencyRequestId };
  },
};

/** The offer is over: the next supplier is asked, or the transaction ends unfilled. */
const offerOver = (d: Decision<BrokerState>): Decision<BrokerState> => ({ ...d, changes: { retryOffer: undefined, ...d.changes } });

export const retryDeclined: Transition<BrokerState, Ram, BrokerContext> = {
  to: ['searching', 'unfilled'],
  run: ({ state, lifecycle: lc }, m, ctx) => (m.retryDeclined ? offerOver(moveOn(state, lc, annotate('offered a retry, which the requester declined', m.note), ctx)) : undefined),
};

export const offerExpired: SystemT<'retry_expired'> = {
  to: ['searching', 'unfilled'],
  run: ({ state, lifecycle: lc }, ev, ctx) => (ev.rotaIndex === (lc.rotaIndex ?? 0) ? offerOver(moveOn(state, lc, 'offered a retry, which the requester did not take up in time', ctx)) : undefined),
};

/** The requester cancels while the offer is open: the supplier's transaction has ended already. */
export const cancelledWithOffer: Transition<BrokerState, Ram, BrokerContext> = {
  to: ['cancelled'],
  run: ({ lifecycle: lc }, m) =>
    decision('cancelled', { retryOffer: undefined, lastStatus: 'Cancelled' }, [toRequester({ reasonForMessage: 'CancelResponse', status: 'Cancelled', answerYesNo: 'Y', note: m.note })], annotate(`the requester cancelled instead of taking up the retry offer of ${supplierName(lc)}`, m.note)),
};
