/**
 * A borrowing request in each state (as it would look after the usual path there), and a catalog
 * of every kind of event the requester machine can meet, for the table-driven tests.
 */
import type { RequesterEvent, RequesterState, SupplierMessageEvent } from '../../../src/domain/requester';
import { decideRequester, REQUESTER_STAFF_ACTIONS } from '../../../src/domain/requester';
import { SUPPLIER_STATUSES } from '../../../src/domain/statuses';
import { IllegalTransition } from '../../../src/domain/types';
import type { Decision, Effect, Lifecycle, NcipCall, PatronNotice, RequesterAction, SupplierStatus } from '../../../src/domain/types';

export const A = { symbol: 'ISIL:DK-A' };
export const B = { symbol: 'ISIL:DK-B' };
export const ROTA = [A, B];
/** A supplier routing finds later (reroute). */
export const C = { symbol: 'ISIL:DK-C' };
export const DUE = '2026-10-01T00:00:00Z';
export const NEW_DUE = '2026-11-01T00:00:00Z';
export const DAY = 86_400_000;
export const ctx = { at: new Date('2026-09-01T10:00:00Z'), supplierTimeoutMs: 3 * DAY };

const sent: Lifecycle = { serviceType: 'Loan', rota: ROTA, rotaIndex: 0 };
const loaned: Lifecycle = { ...sent, lastStatus: 'Loaned', dueDate: DUE };

/** The request in each state: the first of two suppliers, a Loan, item checked out where it matters. */
export const AT: Record<RequesterState, Lifecycle> = {
  new: { serviceType: 'Loan', rota: ROTA },
  validated: { serviceType: 'Loan' },
  local_review: { serviceType: 'Loan', rota: ROTA, heldLocally: true },
  error: { serviceType: 'Loan', rota: ROTA, reason: 'patron blocked' },
  sent_to_supplier: sent,
  expect_to_supply: { ...sent, lastStatus: 'ExpectToSupply' },
  will_supply: { ...sent, lastStatus: 'WillSupply' },
  conditional: { ...sent, lastStatus: 'WillSupply', loanConditions: ['LibraryUseOnly'] },
  cancel_pending: { ...sent, lastStatus: 'WillSupply', resumeState: 'will_supply' },
  retry_offered: { ...sent, lastStatus: 'RetryPossible', retryOffer: { reason: 'OnLoan', retryBefore: '2026-09-20T00:00:00Z', supplier: 'ISIL:DK-A', at: '2026-09-01T09:00:00.000Z' } },
  retry_scheduled: {
    ...sent,
    retryOffer: { reason: 'OnLoan', retryAfter: '2026-09-05T00:00:00Z', supplier: 'ISIL:DK-A', at: '2026-09-01T09:00:00.000Z' },
    retryAt: '2026-09-05T00:00:00Z',
  },
  shipped: loaned,
  received: loaned,
  checked_out: loaned,
  returned_by_patron: loaned,
  shipped_return: loaned,
  overdue: { ...loaned, lastStatus: 'Overdue', resumeState: 'checked_out' },
  recalled: { ...loaned, lastStatus: 'Recalled', resumeState: 'checked_out' },
  renew_pending: { ...loaned, resumeState: 'checked_out' },
  complete: { ...loaned, lastStatus: 'LoanCompleted' },
  cancelled: { ...sent, lastStatus: 'Cancelled' },
  unfilled: { ...sent, rotaIndex: 1, lastStatus: 'Unfilled' },
  filled_locally: { serviceType: 'Loan', rota: ROTA, heldLocally: true },
  closed: { ...sent, lastStatus: 'WillSupply' },
};

export function sam(reasonForMessage: SupplierMessageEvent['reasonForMessage'], status?: SupplierStatus, more: Partial<SupplierMessageEvent> = {}): SupplierMessageEvent {
  return { type: 'supplier_message', reasonForMessage, ...(status ? { status } : {}), ...more };
}

/** Every event kind, named as the tables name them. */
export const EVENTS: Record<string, RequesterEvent> = {
  validate: { type: 'validate' },
  validation_failed: { type: 'validation_failed', reason: 'patron blocked' },
  request_refused: { type: 'request_refused', reason: 'UnrecognisedDataValue: unknown requester', rotaIndex: 0 },
  supplier_timeout: { type: 'supplier_timeout', rotaIndex: 0 },
  ...Object.fromEntries(SUPPLIER_STATUSES.map((s) => [`StatusChange ${s}`, sam('StatusChange', s, s === 'Loaned' ? { dueDate: DUE } : {})])),
  'StatusChange WillSupply with conditions': sam('StatusChange', 'WillSupply', { loanConditions: ['LibraryUseOnly'] }),
  'StatusChange Loaned with a new due date': sam('StatusChange', 'Loaned', { dueDate: NEW_DUE }),
  'StatusChange without status': sam('StatusChange', undefined, { note: 'Alma says hello' }),
  'Notification with a note': sam('Notification', undefined, { note: 'pulled from the shelf' }),
  'Notification Unfilled': sam('Notification', 'Unfilled', { note: 'Supplier: ISIL:X' }),
  'CancelResponse Y': sam('CancelResponse', 'Cancelled', { answerYesNo: 'Y' }),
  'CancelResponse N': sam('CancelResponse', undefined, { answerYesNo: 'N' }),
  'RenewResponse Y': sam('RenewResponse', 'Loaned', { answerYesNo: 'Y', dueDate: NEW_DUE }),
  'RenewResponse N': sam('RenewResponse', undefined, { answerYesNo: 'N' }),
  ...Object.fromEntries(REQUESTER_STAFF_ACTIONS.map((a) => [`staff ${a}`, a === 'send' ? { type: 'staff', action: a, rota: ROTA } : a === 'reroute' ? { type: 'staff', action: a, rota: [C] } : { type: 'staff', action: a }])),
};

export const request = (rotaIndex: number): Effect => ({ kind: 'send', message: { kind: 'request', rotaIndex } });
/** A Retry of the transaction that had id `retryOf`. */
export const retryRequest = (rotaIndex: number, retryOf: string): Effect => ({ kind: 'send', message: { kind: 'request', rotaIndex, retryOf } });
export const timer = (rotaIndex: number): Effect => ({ kind: 'timer', timer: 'supplier_answer', afterMs: 3 * DAY, rotaIndex });
export const ram = (action: RequesterAction, note?: string): Effect => ({ kind: 'send', message: note ? { kind: 'requestingAgencyMessage', action, note } : { kind: 'requestingAgencyMessage', action } });
export const notice = (n: PatronNotice): Effect => ({ kind: 'notify', notice: n });
/** The Cancel a supplier staff moved on from gets (skip_supplier, reroute). */
export const skipped = (rotaIndex: number): Effect => ({
  kind: 'send',
  message: { kind: 'requestingAgencyMessage', action: 'Cancel', rotaIndex, note: 'The borrowing library has withdrawn the request: it goes to another library or is closed' },
});
/** The Cancel a silent supplier gets when the rota moves on without it. */
export const withdraw = (rotaIndex: number): Effect => ({
  kind: 'send',
  message: { kind: 'requestingAgencyMessage', action: 'Cancel', rotaIndex, note: 'No answer in time: the request has been sent to another library or closed' },
});
export const call = (c: NcipCall): Effect => ({ kind: 'ncip', call: c });

export interface Req {
  state: RequesterState;
  lifecycle: Lifecycle;
}

/** Apply a decision the way the service saves it: absent keys stay, undefined clears. */
export function apply(req: Req, d: Decision<RequesterState>): Req {
  const lifecycle = { ...req.lifecycle, ...d.changes } as Record<string, unknown>;
  for (const [k, v] of Object.entries(d.changes)) if (v === undefined) delete lifecycle[k];
  return { state: d.state, lifecycle: lifecycle as unknown as Lifecycle };
}

export function run(req: Req, ...events: RequesterEvent[]): Req {
  return events.reduce((r, e) => apply(r, decideRequester(r, e, ctx)), req);
}

export const at = (state: RequesterState, more: Partial<Lifecycle> = {}): Req => ({ state, lifecycle: { ...AT[state], ...more } });
export const staff = (action: Extract<RequesterEvent, { type: 'staff' }>['action'], note?: string): RequesterEvent => ({ type: 'staff', action, ...(note ? { note } : {}) });

export function refusal(fn: () => unknown): IllegalTransition {
  try {
    fn();
  } catch (e) {
    if (e instanceof IllegalTransition) return e;
    throw e;
  }
  throw new Error('expected an IllegalTransition');
}
