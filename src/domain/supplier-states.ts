/**
 * The lending (supplier) side's vocabulary: states, events, staff actions.
 * Modelled on ReShare's responder model (mod-rs RES_*) and CrossLink's supplier model
 * (crosslink:misc/state-models.yaml); see shared/protocols/iso18626/NOTES.md §4.
 */
import type { Costs, IlsSteps, RequesterAction } from './types';

/**
 * Every supplier state, and which are terminal. `cancel_requested` and `renew_requested` keep in
 * `lifecycle.resumeState` the state a refusal returns to.
 */
export const SUPPLIER_STATES = {
  /** A partner's request arrived; not yet checked or answered. */
  received: { terminal: false },
  /** Checked (the service's policy or holdings check passed); staff answer it. */
  validated: { terminal: false },
  /** We said WillSupply: the item is to be pulled from the shelf (pull slip). */
  will_supply: { terminal: false },
  /** Picked from the shelf, waiting to be shipped. */
  awaiting_shipping: { terminal: false },
  /** We offered loan conditions; waiting for the requester to agree (or Cancel, which rejects). */
  conditional: { terminal: false },
  /** The requester asked to cancel; staff answer (resumeState = where we were). */
  cancel_requested: { terminal: false },
  /** Staff shipped it; the ILS checkout (NCIP CheckOutItem) comes first, then Loaned goes out. */
  shipping: { terminal: false },
  /** Loaned: the item went out with a due date. */
  shipped: { terminal: false },
  overdue: { terminal: false },
  recalled: { terminal: false },
  /** The requester asked to renew; staff answer (resumeState = shipped or overdue). */
  renew_requested: { terminal: false },
  /** The requester sent ShippedReturn: the item is on its way back. */
  returned_by_borrower: { terminal: false },
  /** Back on our shelf (NCIP CheckInItem); LoanCompleted still to send. */
  checked_in: { terminal: false },
  complete: { terminal: true },
  unfilled: { terminal: true },
  cancelled: { terminal: true },
  /** We said RetryPossible (crosslink COMPLETED_WITH_RETRY): the transaction ends; a Retry from the requester is a new one. */
  retry_offered: { terminal: true },
} as const satisfies Record<string, { terminal: boolean }>;

export type SupplierState = keyof typeof SUPPLIER_STATES;
export const SUPPLIER_STATE_NAMES = Object.keys(SUPPLIER_STATES) as SupplierState[];

export function isSupplierState(s: string | undefined): s is SupplierState {
  return s !== undefined && Object.hasOwn(SUPPLIER_STATES, s);
}

/** Staff actions, in the order the API lists them. */
export const SUPPLIER_STAFF_ACTIONS = [
  'will_supply',
  'add_conditions',
  'cannot_supply',
  'offer_retry',
  'mark_picked',
  'ship',
  'supply_copy',
  'accept_cancel',
  'refuse_cancel',
  'approve_renewal',
  'refuse_renewal',
  'mark_overdue',
  'recall',
  'check_in',
  'complete',
] as const;
export type SupplierStaffAction = (typeof SUPPLIER_STAFF_ACTIONS)[number];

type Plain = Exclude<SupplierStaffAction, 'add_conditions' | 'cannot_supply' | 'offer_retry' | 'ship' | 'approve_renewal'>;

/** A staff action; `note` goes to the partner in the message's note. */
export type SupplierStaffEvent = { readonly type: 'staff'; readonly note?: string } & (
  | { readonly action: Plain }
  /** loanCondition values (open code list: LibraryUseOnly, NoReproduction, ...). */
  | { readonly action: 'add_conditions'; readonly conditions: readonly string[] }
  /** reasonUnfilled (open code list: NotHeld, NotAvailableForILL, ...). */
  | { readonly action: 'cannot_supply'; readonly reason: string }
  /** RetryPossible: reasonRetry (CostExceedsMaxCost, OnLoan, LoanCondition, NotFoundAsCited, or open), the window, a price, conditions. */
  | {
      readonly action: 'offer_retry';
      readonly reason: string;
      readonly retryAfter?: string;
      readonly retryBefore?: string;
      readonly offeredCosts?: Costs;
      readonly loanConditions?: readonly string[];
    }
  /** itemId: the item's barcode, needed when the ILS checks the item out. */
  | { readonly action: 'ship'; readonly dueDate: string; readonly itemId?: string }
  | { readonly action: 'approve_renewal'; readonly dueDate: string }
);

/** A requestingAgencyMessage, as the codec parsed it. */
export interface RequesterMessageEvent {
  readonly type: 'requester_message';
  readonly action: RequesterAction;
  readonly note?: string;
  /** A Notification that agrees to our loan conditions (see `requesterMessageEvent`). */
  readonly conditionsAgreed?: boolean;
  /** A Notification declining a retry offer (RETRY_DECLINED_MARKER, see `requesterMessageEvent`). */
  readonly retryDeclined?: boolean;
}

export type SupplierEvent =
  /** The service's check of the inbound request passed. */
  | { readonly type: 'validate' }
  /** It failed: the request is answered Unfilled with the reason as note. */
  | { readonly type: 'validation_failed'; readonly reason: string }
  | RequesterMessageEvent
  | SupplierStaffEvent
  /** The ILS checked the item out (or staff skipped that): Loaned goes out, with the ILS's due date if it gave one. */
  | { readonly type: 'ils_checked_out'; readonly dueDate?: string };

export interface SupplierContext {
  /** The decision's time: the machines' only clock. */
  readonly at: Date;
  /** The library's ILS steps; absent: no ILS takes part. */
  readonly ils?: IlsSteps;
}
