/**
 * The broker hub's vocabulary: modes, states, events (NOTES §5, CrossLink's broker model
 * crosslink:misc/state-models.yaml).
 */
import type { SupplierMessageEvent } from './requester-states';
import type { RequesterMessageEvent } from './supplier-states';
import type { Effect, RotaEntry, ServiceType } from './types';

export const BROKER_MODES = ['opaque', 'transparent'] as const;
/** opaque: the hub's own symbol stands in for the other party in every header; transparent: the real ones appear. */
export type BrokerMode = (typeof BROKER_MODES)[number];

export const BROKER_STATES = {
  /** The request went to the current rota supplier; its answer is awaited (a timer runs). */
  searching: { terminal: false },
  /** The current supplier acknowledged (RequestReceived / ExpectToSupply): no timeout any more. */
  expect_to_supply: { terminal: false },
  will_supply: { terminal: false },
  /** WillSupply with loan conditions, relayed: the requester agrees (Notification) or cancels. */
  conditional: { terminal: false },
  /** The current supplier said RetryPossible: the offer went to the requester as a Notification; its Retry, a decline or the timer decide. */
  retry_offered: { terminal: false },
  /** The requester's Cancel went to the supplier (resumeState = where a refusal returns to). */
  cancel_pending: { terminal: false },
  /** Loaned relayed: the loan runs through the hub (Received, Renew, Overdue, Recalled ...). */
  shipped: { terminal: false },
  /** ShippedReturn relayed; LoanCompleted awaited. */
  returned: { terminal: false },
  complete: { terminal: true },
  cancelled: { terminal: true },
  unfilled: { terminal: true },
  /** Closed by hub staff (crosslink MANUALLY_CLOSED): the hub no longer relays; the requester was told why. */
  closed: { terminal: true },
} as const satisfies Record<string, { terminal: boolean }>;

export type BrokerState = keyof typeof BROKER_STATES;
export const BROKER_STATE_NAMES = Object.keys(BROKER_STATES) as BrokerState[];

/** Hub staff's actions, in the order the API lists them. */
export const BROKER_STAFF_ACTIONS = ['skip_supplier', 'reroute', 'cancel', 'close_manually'] as const;
export type BrokerStaffAction = (typeof BROKER_STAFF_ACTIONS)[number];

export interface BrokerStaffEvent {
  readonly type: 'staff';
  readonly action: BrokerStaffAction;
  /** Why: it reaches the requester in the note of the message the hub sends. */
  readonly reason?: string;
  /** `reroute`: the rota routing gives today. */
  readonly rota?: readonly RotaEntry[];
}

export type BrokerEvent =
  /** A supplyingAgencyMessage from a rota supplier (`rotaIndex`: its position, set by the service). */
  | SupplierMessageEvent
  /** A requestingAgencyMessage from the requester. */
  | RequesterMessageEvent
  /** The `supplier_answer` timer for the supplier at `rotaIndex` fired (`requestId`: the transaction id it was set for). */
  | { readonly type: 'supplier_timeout'; readonly rotaIndex: number; readonly requestId?: string }
  /** The `retry_expiry` timer: the requester did not take up the supplier's retry offer in time. */
  | { readonly type: 'retry_expired'; readonly rotaIndex: number; readonly requestId?: string }
  /**
   * The requester's `request` with requestType Retry, naming this transaction's id as its
   * requestingAgencyPreviousRequestId, under a new id; what it asks for may have changed.
   */
  | { readonly type: 'retry_request'; readonly requestingAgencyRequestId: string; readonly serviceType?: ServiceType }
  /** Our `request` to the supplier at `rotaIndex` was refused (ERROR confirmation, HTTP 4xx, no address) or never delivered. */
  | { readonly type: 'request_refused'; readonly reason: string; readonly rotaIndex?: number }
  /** A relayed message could not be delivered (refused, or delivery gave up). */
  | { readonly type: 'relay_refused'; readonly reason: string; readonly toward: 'requester' | 'supplier' }
  | BrokerStaffEvent;

export interface BrokerContext {
  readonly at: Date;
  /** How long a supplier may stay silent before the hub moves on. */
  readonly supplierTimeoutMs: number;
}

/** A send effect of the hub: `supplier` is the supplier the message relays or goes to. */
export type BrokerSend = Extract<Effect, { kind: 'send' }> & { readonly supplier?: string };

export function isBrokerState(s: string | undefined): s is BrokerState {
  return s !== undefined && Object.hasOwn(BROKER_STATES, s);
}

export function brokerEventLabel(event: BrokerEvent): string {
  switch (event.type) {
    case 'supplier_message':
      return `supplier_message:${event.reasonForMessage}/${event.status ?? '-'}`;
    case 'requester_message':
      return `requester_message:${event.action}`;
    case 'staff':
      return `staff:${event.action}`;
    default:
      return event.type;
  }
}
