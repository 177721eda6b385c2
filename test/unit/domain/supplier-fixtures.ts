/**
 * A supply request in each state, and a catalog of every kind of event the supplier machine can
 * meet, for the table-driven tests.
 */
import type { SupplierEvent, SupplierState } from '../../../src/domain/supplier';
import type { Effect, Lifecycle, NcipCall, OutboundMessage, RequesterAction } from '../../../src/domain/types';

export const DUE = '2026-10-01T00:00:00Z';
export const NEW_DUE = '2026-11-01T00:00:00Z';
export const ctx = { at: new Date('2026-09-01T10:00:00Z') };

const pre: Lifecycle = { serviceType: 'CopyOrLoan' };
const loaned: Lifecycle = { serviceType: 'Loan', lastStatus: 'Loaned', dueDate: DUE };

/** The request in each state, after the usual path there. Before shipping it is a CopyOrLoan. */
export const AT: Record<SupplierState, Lifecycle> = {
  received: pre,
  validated: pre,
  will_supply: { ...pre, lastStatus: 'WillSupply' },
  awaiting_shipping: { ...pre, lastStatus: 'WillSupply' },
  conditional: { ...pre, lastStatus: 'WillSupply', loanConditions: ['LibraryUseOnly'] },
  cancel_requested: { ...pre, lastStatus: 'WillSupply', resumeState: 'will_supply' },
  shipping: { serviceType: 'Loan', lastStatus: 'WillSupply', dueDate: DUE, itemId: 'B-100' },
  shipped: loaned,
  overdue: { ...loaned, lastStatus: 'Overdue' },
  recalled: { ...loaned, lastStatus: 'Recalled' },
  renew_requested: { ...loaned, resumeState: 'shipped' },
  returned_by_borrower: loaned,
  checked_in: loaned,
  complete: { ...loaned, lastStatus: 'LoanCompleted' },
  unfilled: { ...pre, lastStatus: 'Unfilled', reason: 'NotHeld' },
  cancelled: { ...pre, lastStatus: 'Cancelled' },
  retry_offered: { ...pre, lastStatus: 'RetryPossible', retryOffer: { reason: 'OnLoan', retryBefore: '2026-09-20T00:00:00Z', at: '2026-09-01T09:00:00.000Z' } },
};

export const ramEvent = (action: RequesterAction, more: { note?: string; conditionsAgreed?: boolean } = {}): SupplierEvent => ({ type: 'requester_message', action, ...more });

const ACTIONS: RequesterAction[] = ['StatusRequest', 'Received', 'Cancel', 'Renew', 'ShippedReturn', 'ShippedForward', 'Notification'];

/** Every event kind, named as the tables name them. */
export const EVENTS: Record<string, SupplierEvent> = {
  validate: { type: 'validate' },
  validation_failed: { type: 'validation_failed', reason: 'not lent to this requester' },
  ...Object.fromEntries(ACTIONS.map((a) => [a, ramEvent(a)])),
  'Notification agreeing to the conditions': ramEvent('Notification', { note: 'Loan conditions agreed', conditionsAgreed: true }),
  'staff will_supply': { type: 'staff', action: 'will_supply' },
  'staff add_conditions': { type: 'staff', action: 'add_conditions', conditions: ['LibraryUseOnly'] },
  'staff cannot_supply': { type: 'staff', action: 'cannot_supply', reason: 'NotHeld' },
  'staff offer_retry': { type: 'staff', action: 'offer_retry', reason: 'OnLoan', retryBefore: '2026-09-20T00:00:00Z' },
  'staff mark_picked': { type: 'staff', action: 'mark_picked' },
  'staff ship': { type: 'staff', action: 'ship', dueDate: DUE },
  'staff supply_copy': { type: 'staff', action: 'supply_copy' },
  'staff accept_cancel': { type: 'staff', action: 'accept_cancel' },
  'staff refuse_cancel': { type: 'staff', action: 'refuse_cancel' },
  'staff approve_renewal': { type: 'staff', action: 'approve_renewal', dueDate: NEW_DUE },
  'staff refuse_renewal': { type: 'staff', action: 'refuse_renewal' },
  'staff mark_overdue': { type: 'staff', action: 'mark_overdue' },
  'staff recall': { type: 'staff', action: 'recall' },
  'staff check_in': { type: 'staff', action: 'check_in' },
  'staff complete': { type: 'staff', action: 'complete' },
  'ils_checked_out': { type: 'ils_checked_out', dueDate: NEW_DUE },
};

type Sam = Omit<Extract<OutboundMessage, { kind: 'supplyingAgencyMessage' }>, 'kind'>;
export const sam = (fields: Sam): Effect => ({ kind: 'send', message: { kind: 'supplyingAgencyMessage', ...fields } });
export const call = (c: NcipCall): Effect => ({ kind: 'ncip', call: c });
