/**
 * Small builders the two machines share: decisions, effects, and the typed refusal.
 */
import { IllegalTransition } from './types';
import type { Decision, Effect, Lifecycle, NcipCall, OutboundMessage, PatronNotice, ProtocolErrorType, RequesterAction } from './types';

export function decision<S extends string>(state: S, changes: Partial<Lifecycle> = {}, effects: readonly Effect[] = [], note?: string): Decision<S> {
  return note === undefined ? { state, changes, effects } : { state, changes, effects, note };
}

/**
 * True when a decision changes nothing: same state, no lifecycle change, no effect. Stale timers,
 * repeated statuses, backward statuses and plain notifications decide this way; the service may
 * skip the save (and keep the note, if any, for the audit trail).
 */
export function isNoChange(current: { readonly state: string }, d: Decision<string>): boolean {
  return d.state === current.state && Object.keys(d.changes).length === 0 && d.effects.length === 0 && d.requestingAgencyRequestId === undefined;
}

export function refuse(state: string, event: string, reason: string, protocolError?: ProtocolErrorType): never {
  throw new IllegalTransition(state, event, reason, protocolError);
}

export const send = (message: OutboundMessage): Effect => ({ kind: 'send', message });
export const ncip = (call: NcipCall): Effect => ({ kind: 'ncip', call });
export const notify = (notice: PatronNotice): Effect => ({ kind: 'notify', notice });

export function ram(action: RequesterAction, note?: string): Effect {
  return send(note === undefined ? { kind: 'requestingAgencyMessage', action } : { kind: 'requestingAgencyMessage', action, note });
}

type SamFields = Omit<Extract<OutboundMessage, { kind: 'supplyingAgencyMessage' }>, 'kind'>;

/** A supplyingAgencyMessage effect; undefined optional fields are left out. */
export function sam(fields: SamFields): Effect {
  const message = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as SamFields;
  return send({ kind: 'supplyingAgencyMessage', ...message });
}

/** A due date staff give (ship, approve a renewal): an ISO 8601 date after the decision's time. */
export function isValidDueDate(dueDate: string, at: Date): boolean {
  const t = Date.parse(dueDate);
  return Number.isFinite(t) && t > at.getTime();
}

/**
 * Why a requester's action that the state does not take is refused; `is` says where the request
 * stands ("the request is complete"). Cancel and Renew are worded by each machine (`own`).
 */
export function actionRefused(action: RequesterAction, is: string, own: Partial<Record<RequesterAction, string>>): string {
  const common: Partial<Record<RequesterAction, string>> = {
    Received: `nothing has been shipped: ${is}`,
    ShippedReturn: `no loan to return: ${is}`,
    ShippedForward: 'forwarding an item to another borrower is not supported',
  };
  return own[action] ?? common[action] ?? `${action} is not accepted: ${is}`;
}
