/**
 * The borrowing (requester) side's vocabulary: states, events, staff actions.
 * Modelled on ReShare's requester state model (mod-rs REQ_*) and CrossLink's requester model
 * (crosslink:misc/state-models.yaml); see shared/protocols/iso18626/NOTES.md §4.
 */
import type { Costs, IlsSteps, ReasonCategory, ReasonForMessage, RotaEntry, ServiceType, SupplierStatus } from './types';

/**
 * Every requester state, and which are terminal. `overdue`, `recalled`, `renew_pending` and
 * `cancel_pending` remember in `lifecycle.resumeState` where the request was (for overdue,
 * recalled and renew_pending: where the item physically is — shipped, received, checked_out or
 * returned_by_patron), so staff keep the actions of that place and a refusal restores it.
 */
export const REQUESTER_STATES = {
  /** Created; patron validation (by the service, e.g. NCIP LookupUser) still to come. */
  new: { terminal: false },
  /** Validated, but there is no supplier to send to yet: staff route it (`send`). */
  validated: { terminal: false },
  /**
   * Validated, and the library's own catalogue showed an available copy (`lifecycle.heldLocally`):
   * staff fill it from their own shelf (`fill_locally`) or send it out to the rota (`send`).
   */
  local_review: { terminal: false },
  /** Needs staff: patron validation failed. */
  error: { terminal: false },
  /** The request went to the current rota supplier; no answer yet (a timer runs). */
  sent_to_supplier: { terminal: false },
  expect_to_supply: { terminal: false },
  will_supply: { terminal: false },
  /** WillSupply with loan conditions: staff accept or reject them. */
  conditional: { terminal: false },
  /** We sent Cancel; waiting for the CancelResponse (resumeState = where we were). */
  cancel_pending: { terminal: false },
  /** The supplier said RetryPossible (`lifecycle.retryOffer`): staff accept or decline; it may expire (retryBefore). */
  retry_offered: { terminal: false },
  /** Staff accepted an offer whose retryAfter is still to come: the Retry goes out at `lifecycle.retryAt`. */
  retry_scheduled: { terminal: false },
  /** Loaned: the item is on its way to us, with a due date. */
  shipped: { terminal: false },
  /** Checked in locally (RAM Received, NCIP AcceptItem), waiting for the patron. */
  received: { terminal: false },
  checked_out: { terminal: false },
  returned_by_patron: { terminal: false },
  /** ShippedReturn sent; waiting for the supplier's LoanCompleted. */
  shipped_return: { terminal: false },
  overdue: { terminal: false },
  recalled: { terminal: false },
  /** We sent Renew; waiting for the RenewResponse. */
  renew_pending: { terminal: false },
  complete: { terminal: true },
  cancelled: { terminal: true },
  /** The rota is exhausted (or a supplier answered Unfilled with reason Duplicate). */
  unfilled: { terminal: true },
  /** Filled from the library's own collection; no other library was asked (ReShare REQ_FILLED_LOCALLY). */
  filled_locally: { terminal: true },
  /** Closed by staff (CrossLink MANUALLY_CLOSED); nothing more happens. */
  closed: { terminal: true },
} as const satisfies Record<string, { terminal: boolean }>;

export type RequesterState = keyof typeof REQUESTER_STATES;
export const REQUESTER_STATE_NAMES = Object.keys(REQUESTER_STATES) as RequesterState[];

export function isRequesterState(s: string | undefined): s is RequesterState {
  return s !== undefined && Object.hasOwn(REQUESTER_STATES, s);
}

/** Where a loaned item can be while it is overdue, recalled or being renewed. */
export const ITEM_PLACES = ['shipped', 'received', 'checked_out', 'returned_by_patron'] as const;
export type ItemPlace = (typeof ITEM_PLACES)[number];

export function asItemPlace(s: string | undefined): ItemPlace | undefined {
  return (ITEM_PLACES as readonly (string | undefined)[]).includes(s) ? (s as ItemPlace) : undefined;
}

/** Staff actions, in the order the API lists them. */
export const REQUESTER_STAFF_ACTIONS = [
  'send',
  'fill_locally',
  'retry',
  'edit_patron',
  'accept_conditions',
  'reject_conditions',
  'accept_retry',
  'decline_retry',
  'skip_supplier',
  'reroute',
  'mark_received',
  'check_out',
  'mark_returned',
  'ship_return',
  'renew',
  'cancel',
  'close_manually',
  'rerequest',
] as const;
export type RequesterStaffAction = (typeof REQUESTER_STAFF_ACTIONS)[number];

export interface RequesterStaffEvent {
  readonly type: 'staff';
  readonly action: RequesterStaffAction;
  readonly note?: string;
  /** `send`: the suppliers staff chose, when the request has none yet; `reroute`: the rota routing gives today. */
  readonly rota?: readonly RotaEntry[];
  /** `accept_retry` only: the service type the Retry asks for (the other edits are request data, kept by the service). */
  readonly serviceType?: ServiceType;
}

/** A supplyingAgencyMessage from the current supplier, as the codec parsed it. */
export interface SupplierMessageEvent {
  readonly type: 'supplier_message';
  readonly reasonForMessage: ReasonForMessage;
  /** Absent: Alma/Rapido's empty status, "no status change". */
  readonly status?: SupplierStatus;
  readonly answerYesNo?: 'Y' | 'N';
  readonly dueDate?: string;
  readonly loanConditions?: readonly string[];
  readonly reasonUnfilled?: string;
  readonly reasonRetry?: string;
  /** RetryPossible: the offer's price and window. */
  readonly offeredCosts?: Costs;
  readonly retryAfter?: string;
  readonly retryBefore?: string;
  readonly note?: string;
  /** Set by the service: the message names an id the request had before a retry (noted, not applied). */
  readonly earlierTransaction?: string;
  /** The rota position of the sender, when the service knows it: an earlier supplier is only noted. */
  readonly rotaIndex?: number;
}

export type RequesterEvent =
  /** Patron validation passed (or the library does not validate). */
  | { readonly type: 'validate' }
  | { readonly type: 'validation_failed'; readonly reason: string; readonly category?: ReasonCategory }
  | SupplierMessageEvent
  /** The supplier answered our `request` with an ERROR confirmation, or delivery gave up. */
  | { readonly type: 'request_refused'; readonly reason: string; readonly rotaIndex?: number }
  /** The `supplier_answer` timer fired for the supplier at `rotaIndex` (`requestId`: the transaction it was set for). */
  | { readonly type: 'supplier_timeout'; readonly rotaIndex: number; readonly requestId?: string }
  /** The `retry_expiry` timer: the offer's retryBefore has come. */
  | { readonly type: 'retry_expired'; readonly rotaIndex: number; readonly requestId?: string }
  /** The `retry_due` timer: a scheduled retry's retryAfter has come. */
  | { readonly type: 'retry_due'; readonly rotaIndex: number; readonly requestId?: string }
  | RequesterStaffEvent;

export interface RequesterContext {
  /** The decision's time: the machines' only clock. */
  readonly at: Date;
  /** How long a supplier may stay silent before the rota moves on. */
  readonly supplierTimeoutMs: number;
  /** The library's ILS steps; absent: no ILS takes part. */
  readonly ils?: IlsSteps;
}

/** The note our requester sends with accept_conditions; our supplier side recognises it. */
export const CONDITIONS_AGREED_NOTE = 'Loan conditions agreed';
export const CONDITIONS_REJECTED_NOTE = 'Loan conditions rejected';
