/**
 * The staff work queues, as data: for each role, which requests a queue holds (states, and the
 * flags "needs attention" and "overdue") and the action staff most often take on its rows. The
 * staff API counts them (GET /queues) and lists them (GET /requests?queue=) from these rows, and
 * a unit test checks that every state that has not ended sits in some queue, so a new state
 * cannot be left out of the staff's day. The queues follow what Tipasa, ILLiad and ReShare staff
 * work in: one list per thing to do next, in the order a request goes through them.
 *
 * A request may be in more than one queue (a loan past its due date is both on loan and
 * overdue; anything flagged is also in "needs attention"): each queue answers "what is there to
 * do here", not "where is the request".
 */
import type { BrokerStaffAction, BrokerState } from './broker-states';
import type { RequesterStaffAction, RequesterState } from './requester-states';
import type { SupplierStaffAction, SupplierState } from './supplier-states';
import type { Lifecycle } from './types';

export type QueueRole = 'requester' | 'supplier' | 'broker';

interface QueueOf<R extends QueueRole, S extends string, A extends string> {
  readonly id: string;
  readonly role: R;
  /** Requests in these states are in the queue, whatever else they record. */
  readonly states: readonly S[];
  /** Also every request of the role flagged "needs attention" (dead work, a partner unreachable, `error`). */
  readonly needsAttention?: true;
  /** Also requests in these states that are overdue by what their data records (see `isOverdue`). */
  readonly overdueIn?: readonly S[];
  /** The action most often taken on a row; offered by at least one of `states` (null: staff mostly wait here). */
  readonly rowAction: A | null;
}

export type RequesterQueue = QueueOf<'requester', RequesterState, RequesterStaffAction>;
export type SupplierQueue = QueueOf<'supplier', SupplierState, SupplierStaffAction>;
export type BrokerQueue = QueueOf<'broker', BrokerState, BrokerStaffAction>;
export type QueueDefinition = RequesterQueue | SupplierQueue | BrokerQueue;

/** Borrowing: our patrons' requests, from asking a lender to shipping the item back. */
export const BORROWING_QUEUES = [
  // `error` is a failed patron check (the ILS refused the patron): it always needs staff, and
  // staff fix the patron and check again.
  { id: 'borrowing.attention', role: 'requester', states: ['error'], needsAttention: true, rowAction: 'retry' },
  // `new` waits for the patron check (the ILS, usually seconds); `validated` has no lender yet and
  // waits for staff to send it.
  { id: 'borrowing.new', role: 'requester', states: ['new', 'validated'], rowAction: 'send' },
  // Our own catalogue shows an available copy: staff pull it from the shelf (fill_locally) or
  // send the request out after all (the copy is missing, or is not for this patron).
  { id: 'borrowing.local', role: 'requester', states: ['local_review'], rowAction: 'fill_locally' },
  // Nothing for us to do but wait on a lender: it has not answered yet (sent_to_supplier,
  // expect_to_supply), it is answering our Cancel (cancel_pending), a retry we accepted goes out
  // at its time (retry_scheduled), or the item is on its way back and the lender is to check it in
  // (shipped_return). Staff chase from here; moving on to the next lender is what they do most.
  {
    id: 'borrowing.waiting',
    role: 'requester',
    states: ['sent_to_supplier', 'expect_to_supply', 'cancel_pending', 'retry_scheduled', 'shipped_return'],
    rowAction: 'skip_supplier',
  },
  // A lender's terms to answer: loan conditions (conditional) or an offer to supply on other
  // terms (retry_offered, ISO 18626 RetryPossible); both wait for staff to accept or refuse.
  { id: 'borrowing.conditions', role: 'requester', states: ['conditional', 'retry_offered'], rowAction: 'accept_conditions' },
  // The lender said it will supply: the next move is its Loaned.
  { id: 'borrowing.will-supply', role: 'requester', states: ['will_supply'], rowAction: null },
  { id: 'borrowing.in-transit', role: 'requester', states: ['shipped'], rowAction: 'mark_received' },
  { id: 'borrowing.to-patron', role: 'requester', states: ['received'], rowAction: 'check_out' },
  { id: 'borrowing.on-loan', role: 'requester', states: ['checked_out'], rowAction: 'mark_returned' },
  // The lender said so (overdue, recalled), or the due date has passed while the item is with
  // the patron or waiting for them (the lender may never send Overdue).
  { id: 'borrowing.overdue', role: 'requester', states: ['overdue', 'recalled'], overdueIn: ['received', 'checked_out', 'renew_pending'], rowAction: 'mark_returned' },
  { id: 'borrowing.returned', role: 'requester', states: ['returned_by_patron'], rowAction: 'ship_return' },
  // We asked to renew: the lender's answer is awaited (the item's own actions stay offered).
  { id: 'borrowing.renewal', role: 'requester', states: ['renew_pending'], rowAction: null },
] as const satisfies readonly RequesterQueue[];

/** Lending: partners' requests to us, from answering to checking the item back in. */
export const LENDING_QUEUES = [
  // No lending state needs staff by itself: the flag brings dead work and unreachable partners.
  { id: 'lending.attention', role: 'supplier', states: [], needsAttention: true, rowAction: null },
  // received: not checked yet (the policy check runs at once); validated: staff answer it.
  { id: 'lending.new', role: 'supplier', states: ['received', 'validated'], rowAction: 'will_supply' },
  { id: 'lending.to-pull', role: 'supplier', states: ['will_supply'], rowAction: 'mark_picked' },
  // shipping: staff shipped and the ILS checkout runs; it stays here until Loaned has gone out.
  { id: 'lending.to-ship', role: 'supplier', states: ['awaiting_shipping', 'shipping'], rowAction: 'ship' },
  // We offered conditions; the requester's agreement (a Notification) moves it on by itself.
  { id: 'lending.conditions', role: 'supplier', states: ['conditional'], rowAction: null },
  { id: 'lending.cancel-requested', role: 'supplier', states: ['cancel_requested'], rowAction: 'accept_cancel' },
  { id: 'lending.renewal', role: 'supplier', states: ['renew_requested'], rowAction: 'approve_renewal' },
  // Most loans come back through the ShippedReturn the borrower sends (lending.returned); one
  // that arrives without it is checked in from here.
  { id: 'lending.on-loan', role: 'supplier', states: ['shipped'], rowAction: 'check_in' },
  // Marked overdue or recalled, or still `shipped` past its due date (staff have not marked it).
  { id: 'lending.overdue', role: 'supplier', states: ['overdue', 'recalled'], overdueIn: ['shipped'], rowAction: 'check_in' },
  // returned_by_borrower: on its way back, to check in; checked_in: back on the shelf, LoanCompleted still to send.
  { id: 'lending.returned', role: 'supplier', states: ['returned_by_borrower', 'checked_in'], rowAction: 'check_in' },
] as const satisfies readonly SupplierQueue[];

/** The broker hub runs by itself; staff look at what is under way and at what needs them. */
export const BROKER_QUEUES = [
  {
    id: 'broker.active',
    role: 'broker',
    states: ['searching', 'expect_to_supply', 'will_supply', 'conditional', 'retry_offered', 'cancel_pending', 'shipped', 'returned'],
    rowAction: null,
  },
  { id: 'broker.attention', role: 'broker', states: [], needsAttention: true, rowAction: null },
] as const satisfies readonly BrokerQueue[];

/** Every queue, in the order the staff interface shows them. */
export const QUEUES: readonly QueueDefinition[] = [...BORROWING_QUEUES, ...LENDING_QUEUES, ...BROKER_QUEUES];

export type QueueId = (typeof BORROWING_QUEUES)[number]['id'] | (typeof LENDING_QUEUES)[number]['id'] | (typeof BROKER_QUEUES)[number]['id'];
export const QUEUE_IDS = QUEUES.map((q) => q.id) as [QueueId, ...QueueId[]];

export function queueById(id: string): QueueDefinition | undefined {
  return QUEUES.find((q) => q.id === id);
}

/** The ISO 18626 statuses a lender sends for a loan it wants back (lifecycle.lastStatus). */
export const OVERDUE_STATUSES = ['Overdue', 'Recalled'] as const;

/**
 * Overdue by what the request records: the lender said Overdue or Recalled (a state such as
 * renew_pending keeps that in `lastStatus`), or the due date has passed.
 */
export function isOverdue(lifecycle: Pick<Lifecycle, 'dueDate' | 'lastStatus'>, at: Date): boolean {
  if (lifecycle.lastStatus !== undefined && (OVERDUE_STATUSES as readonly string[]).includes(lifecycle.lastStatus)) return true;
  if (lifecycle.dueDate === undefined) return false;
  const due = Date.parse(lifecycle.dueDate);
  return Number.isFinite(due) && due < at.getTime();
}

/** What a queue looks at in a request. */
export interface QueueFacts {
  readonly role: QueueRole;
  readonly state: string;
  readonly needsAttention: boolean;
  /** `isOverdue` of its lifecycle at the time of asking. */
  readonly overdue: boolean;
}

export function inQueue(queue: QueueDefinition, request: QueueFacts): boolean {
  if (request.role !== queue.role) return false;
  const states = queue.states as readonly string[];
  if (states.includes(request.state)) return true;
  if (queue.needsAttention && request.needsAttention) return true;
  return request.overdue && ((queue.overdueIn ?? []) as readonly string[]).includes(request.state);
}

/** How many requests of a kind there are (one row of GROUP BY role, state, flags). */
export interface QueueGroup extends QueueFacts {
  readonly count: number;
}

/** Each queue's count from the groups, in QUEUES order. */
export function queueCounts(groups: readonly QueueGroup[]): { readonly queue: QueueDefinition; readonly count: number }[] {
  return QUEUES.map((queue) => ({ queue, count: groups.reduce((n, g) => (inQueue(queue, g) ? n + g.count : n), 0) }));
}
