/**
 * The borrowing (requester) state machine: `(state, event) -> { state, changes, effects }`.
 * Pure: the clock comes in `ctx.at`, nothing is read or written here. The only error thrown is
 * IllegalTransition; one with `protocolError` answers a partner's message with that errorType.
 *
 * Stale timers (another rota supplier, or the request has moved on) decide a no-op with a note:
 * `isNoChange` tells the service to ignore them quietly. The same holds for repeated and backward
 * statuses and plain notifications, which are accepted (the partner gets OK) and change nothing.
 */
import { decision, ncip, notify, refuse, send } from './decision';
import { onSupplierMessage } from './requester-messages';
import type { RequesterContext, RequesterEvent, RequesterState } from './requester-states';
import { onStaffAction } from './requester-staff';
import { nextSupplier, sendToSupplier, supplierName } from './rota';
import type { Decision, IlsSteps, Lifecycle } from './types';

export * from './requester-states';
export { requesterActions } from './requester-staff';
export { isNoChange } from './decision';

export interface RequesterRequest {
  readonly state: RequesterState;
  readonly lifecycle: Lifecycle;
}

/**
 * A newly created borrowing request: state `new`, and the patron hears it was received. When the
 * library's ILS checks patrons (`ils.lookupUser`), NCIP LookupUser goes out and its answer comes
 * back as `validate` or `validation_failed`; otherwise the service validates at once.
 */
export function startRequester(_lifecycle: Lifecycle, ctx: { readonly ils?: IlsSteps } = {}): Decision<RequesterState> {
  if (ctx.ils?.lookupUser) return decision('new', {}, [notify('request_received'), ncip('LookupUser')], 'request created; the patron is being checked in the ILS');
  return decision('new', {}, [notify('request_received')], 'request created');
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

/**
 * A supplier that stayed silent still holds the request: it is told the request has gone
 * elsewhere (ISO 18626 Cancel), so that it does not ship an item nobody waits for any more.
 */
function withdrawFrom(lc: Lifecycle, index: number, next: Decision<RequesterState>): Decision<RequesterState> {
  const cancel = send({ kind: 'requestingAgencyMessage', action: 'Cancel', rotaIndex: index, note: 'No answer in time: the request has been sent to another library or closed' });
  return { ...next, effects: [cancel, ...next.effects] };
}

export function decideRequester(current: RequesterRequest, event: RequesterEvent, ctx: RequesterContext): Decision<RequesterState> {
  const { state, lifecycle: lc } = current;
  const rotaIndex = lc.rotaIndex ?? 0;
  switch (event.type) {
    case 'validate':
      if (state !== 'new') return refuse(state, event.type, 'only a new request is validated');
      if ((lc.rota ?? []).length === 0) return decision('validated', {}, [], 'patron validated; no supplier to send to yet');
      return decision('sent_to_supplier', { rotaIndex: 0 }, sendToSupplier(0, ctx), `sent to ${supplierName(lc, 0)}`);
    case 'validation_failed':
      if (state !== 'new') return refuse(state, event.type, 'only a new request is validated');
      return decision('error', { reason: event.reason }, [], `patron validation failed: ${event.reason}`);
    case 'supplier_message':
      return onSupplierMessage(state, lc, event, ctx);
    case 'supplier_timeout':
      if (state !== 'sent_to_supplier' || event.rotaIndex !== rotaIndex) {
        return decision(state, {}, [], `ignored a stale answer timer for ${supplierName(lc, event.rotaIndex)}`);
      }
      return withdrawFrom(lc, rotaIndex, nextSupplier(lc, `did not answer within ${duration(ctx.supplierTimeoutMs)}`, ctx));
    case 'request_refused':
      if (event.rotaIndex !== undefined && event.rotaIndex !== rotaIndex) {
        return decision(state, {}, [], `ignored a refusal from ${supplierName(lc, event.rotaIndex)}, no longer the current supplier`);
      }
      if (state === 'sent_to_supplier') return nextSupplier(lc, `refused the request: ${event.reason}`, ctx);
      if (state === 'cancel_pending' && lc.resumeState === 'sent_to_supplier') {
        return decision('cancelled', { resumeState: undefined }, [notify('cancelled')], `cancelled: ${supplierName(lc)} never took the request (${event.reason})`);
      }
      return refuse(state, event.type, 'no request is waiting for its confirmation');
    case 'staff':
      return onStaffAction(state, lc, event, ctx);
  }
}
