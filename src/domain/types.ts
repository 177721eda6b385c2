/**
 * The vocabulary of the request lifecycle, shared by the requester and supplier machines and by
 * the services that load, decide and save. Pure data: no I/O, nothing from outside src/domain.
 *
 * A machine is `(request, event, at) -> Decision`. A decision names the new state, the changes to
 * the request's lifecycle fields, and the effects to carry out (as outbox rows, after commit).
 */

export type ServiceType = 'Loan' | 'Copy' | 'CopyOrLoan';

/** ISO 18626 statuses (type_status) and reasons (type_reasonForMessage), as the domain uses them. */
export type SupplierStatus =
  | 'RequestReceived'
  | 'ExpectToSupply'
  | 'WillSupply'
  | 'Loaned'
  | 'Overdue'
  | 'Recalled'
  | 'RetryPossible'
  | 'Unfilled'
  | 'CopyCompleted'
  | 'LoanCompleted'
  | 'CompletedWithoutReturn'
  | 'Cancelled';
export type ReasonForMessage = 'RequestResponse' | 'StatusRequestResponse' | 'RenewResponse' | 'CancelResponse' | 'StatusChange' | 'Notification';
export type RequesterAction = 'StatusRequest' | 'Received' | 'Cancel' | 'Renew' | 'ShippedReturn' | 'ShippedForward' | 'Notification';

/** A supplier in a borrowing request's rota. */
export interface RotaEntry {
  /** Agency symbol `TYPE:VALUE`. */
  readonly symbol: string;
  readonly localId?: string;
  readonly callNumber?: string;
}

/**
 * What the machines read and change of a request, beyond its state. The services keep these
 * in `requests.data.lifecycle` (and the state in `requests.state`).
 */
/**
 * Why a borrowing request is in `error`: the ILS's verdict on the patron (NCIP LookupUser).
 * blocked: a block or a Problem "User Blocked"; unknown: "Unknown User"; not_permitted: "User
 * Access Denied" or "User Authentication Failed"; ambiguous: "Non-Unique User". An unreachable
 * ILS or another Problem never lands here: the call is retried or goes dead (needs attention).
 */
export const REASON_CATEGORIES = ['patron_blocked', 'patron_unknown', 'patron_not_permitted', 'patron_ambiguous'] as const;
export type ReasonCategory = (typeof REASON_CATEGORIES)[number];

export interface Lifecycle {
  readonly serviceType: ServiceType;
  /** Requester: the ordered suppliers to try, and which one is being tried (0-based). */
  readonly rota?: readonly RotaEntry[];
  readonly rotaIndex?: number;
  /** The loan's due date (ISO 8601), once the supplier has shipped. */
  readonly dueDate?: string;
  /** Loan conditions the supplier attached (ISO 18626 loanCondition values). */
  readonly loanConditions?: readonly string[];
  /** The state to return to when a cancel or renewal is refused (mod-rs saveRestoreState). */
  readonly resumeState?: string;
  /** The last ISO 18626 status exchanged (supplier: sent; requester: received). */
  readonly lastStatus?: SupplierStatus;
  readonly renewals?: number;
  /** Why the request ended unfilled, was refused, or needs staff. */
  readonly reason?: string;
  /** Requester in `error`: what kind of reason, for staff to sort and act on (REASON_CATEGORIES). */
  readonly reasonCategory?: ReasonCategory;
  /** Supplier: the item's barcode, given at ship (ISO 18626 deliveryInfo itemId); the ILS checks it out and in by it. */
  readonly itemId?: string;
  /** Supplier: staff's ship note, kept for the Loaned message that goes out after the ILS checkout. */
  readonly pendingNote?: string;
  /** A RetryPossible offer: the one staff made (supplier), or the one waiting for staff (requester, hub). */
  readonly retryOffer?: RetryOffer;
  /** Requester: when a retry staff accepted goes out (the offer's retryAfter), while `retry_scheduled`. */
  readonly retryAt?: string;
  /** Requester and hub: the requestingAgencyRequestIds the transaction had before each retry, oldest first. */
  readonly earlierRequestIds?: readonly string[];
  /** Requester: the library's own catalogue showed an available copy at creation; once validated, staff fill it locally or send it out (`local_review`). */
  readonly heldLocally?: boolean;
}

/** ISO 18626 type_costs: a decimal amount as sent, and an ISO 4217 currency code. */
export interface Costs {
  readonly monetaryValue: string;
  readonly currencyCode: string;
}

/** What a supplier offers with RetryPossible (ISO 18626 messageInfo reasonRetry, offeredCosts, retryAfter, retryBefore). */
export interface RetryOffer {
  /** reasonRetry: CostExceedsMaxCost, OnLoan, LoanCondition, NotFoundAsCited, or an open value. */
  readonly reason: string;
  /** ISO 8601: not before (retryAfter) and not after (retryBefore) this may the request be sent again. */
  readonly retryAfter?: string;
  readonly retryBefore?: string;
  readonly offeredCosts?: Costs;
  readonly loanConditions?: readonly string[];
  readonly note?: string;
  /** Requester and hub: the supplier that offered it (a rota symbol). */
  readonly supplier?: string;
  /** When it was made (supplier) or received (requester, hub). */
  readonly at: string;
  /** Requester: the offer came through a broker hub (a Notification); declining it tells the hub. */
  readonly throughHub?: boolean;
}

/**
 * The ILS steps (NCIP) a decision waits for, as the service reads the library's settings. Steps
 * not named here are plain effects: they never hold a state change back.
 */
export interface IlsSteps {
  /** A new borrowing request stays `new` until LookupUser has judged the patron. */
  readonly lookupUser?: boolean;
  /** A shipped loan is announced Loaned only after CheckOutItem, with the ILS's due date. */
  readonly checkOutItem?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Effects: what a decision asks the outside world to do, as data.

/** A message for the other party of the transaction; the service fills in header and ids. */
export type OutboundMessage =
  | {
      readonly kind: 'request';
      readonly rotaIndex: number;
      /** A Retry (serviceInfo requestType Retry): the id the transaction had when the supplier offered it. */
      readonly retryOf?: string;
      /** Staff's note for a Retry (serviceInfo note); absent: the request's own note. */
      readonly note?: string;
    }
  | {
      readonly kind: 'requestingAgencyMessage';
      readonly action: RequesterAction;
      readonly note?: string;
      /** The supplier at this rota position; absent: the current one. */
      readonly rotaIndex?: number;
    }
  | {
      readonly kind: 'supplyingAgencyMessage';
      readonly reasonForMessage: ReasonForMessage;
      readonly status: SupplierStatus;
      readonly answerYesNo?: 'Y' | 'N';
      readonly reasonUnfilled?: string;
      readonly reasonRetry?: string;
      /** RetryPossible: what the offer says. */
      readonly offeredCosts?: Costs;
      readonly retryAfter?: string;
      readonly retryBefore?: string;
      readonly dueDate?: string;
      readonly loanConditions?: readonly string[];
      readonly note?: string;
      /** Loaned / CopyCompleted carry deliveryInfo (dateSent = the decision's time). */
      readonly delivered?: boolean;
    };

export type NcipCall = 'LookupUser' | 'AcceptItem' | 'CheckOutItem' | 'CheckInItem' | 'DeleteItem' | 'CancelRequestItem';

/** Patron notifications (issue: patron e-mail), in telling order; the notify worker renders and sends them. */
export const PATRON_NOTICES = ['request_received', 'shipped', 'ready_for_pickup', 'due_soon', 'overdue', 'recalled', 'renewed', 'renew_refused', 'cancelled', 'unfilled', 'delivered', 'filled_locally'] as const;
export type PatronNotice = (typeof PATRON_NOTICES)[number];

export type Effect =
  | { readonly kind: 'send'; readonly message: OutboundMessage }
  | { readonly kind: 'ncip'; readonly call: NcipCall }
  | { readonly kind: 'notify'; readonly notice: PatronNotice }
  /**
   * Fire `timer` after `afterMs` unless the request has moved on (the timer carries the rota index,
   * and the service adds the transaction's requestingAgencyRequestId, which a retry changes):
   * `supplier_answer` the supplier's time to answer, `retry_expiry` an offer's retryBefore,
   * `retry_due` a scheduled retry's retryAfter.
   */
  | { readonly kind: 'timer'; readonly timer: TimerKind; readonly afterMs: number; readonly rotaIndex: number };

export const TIMER_KINDS = ['supplier_answer', 'retry_expiry', 'retry_due'] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

export interface Decision<S extends string> {
  readonly state: S;
  /** Lifecycle fields to change (absent keys stay as they are; `undefined` values clear). */
  readonly changes: Partial<Lifecycle>;
  readonly effects: readonly Effect[];
  /** One line for the audit trail ("moved to the second supplier: ISIL:DK-2 answered Unfilled"). */
  readonly note?: string;
  /** A retry renames the transaction: its new requestingAgencyRequestId (the service writes the column). */
  readonly requestingAgencyRequestId?: string;
}

/** The ISO 18626 error a refused inbound message is answered with. */
export type ProtocolErrorType = 'UnsupportedActionType' | 'UnsupportedReasonForMessageType' | 'UnrecognisedDataValue';

/** An event that the current state does not accept: never silently ignored. */
export class IllegalTransition extends Error {
  constructor(
    readonly state: string,
    readonly event: string,
    readonly reason: string,
    /** Set when the event came from a partner: how to answer it. */
    readonly protocolError?: ProtocolErrorType,
  ) {
    super(`${event} is not allowed in state ${state}: ${reason}`);
    this.name = 'IllegalTransition';
  }
}
