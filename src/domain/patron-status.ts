/**
 * A borrowing request as its patron sees it: one phase in plain words instead of the
 * requester machine's two dozen states, the flags that matter on loan (overdue, recalled, a
 * renewal asked for), and the few things a patron may do themselves. Pure: `at` is the clock.
 *
 * The phase of every requester state is a table typed by the state list, so a state added to
 * the machine does not compile until it is given its phase here.
 */
import { REQUESTER_STATES, asItemPlace, type ItemPlace, type RequesterState } from './requester-states';
import { requesterActions } from './requester-staff';
import type { Lifecycle } from './types';

/** The phases a patron page names, in the order a request usually goes through them. */
export const PATRON_PHASES = [
  /** Received; checked or waiting for staff to send it out. */
  'submitted',
  /** Being asked of lending libraries (answers, conditions, a retry offer, a cancel on its way). */
  'searching',
  /** The library has it on its own shelf and sets it aside (no other library was asked). */
  'held_locally',
  /** The lender shipped it. */
  'on_the_way',
  'ready_for_pickup',
  'on_loan',
  /** Back from the patron; on its way back to the lender. */
  'returned',
  /** A copy was delivered. */
  'delivered',
  'completed',
  'cancelled',
  'unfilled',
] as const;
export type PatronPhase = (typeof PATRON_PHASES)[number];

export const PATRON_ACTIONS = ['cancel', 'renew'] as const;
export type PatronAction = (typeof PATRON_ACTIONS)[number];

/** Where the item is, as a phase. */
const PLACE_PHASES: Record<ItemPlace, PatronPhase> = { shipped: 'on_the_way', received: 'ready_for_pickup', checked_out: 'on_loan', returned_by_patron: 'returned' };

type PhaseOf = PatronPhase | ((lifecycle: Lifecycle) => PatronPhase);

/** The place the request waits at (overdue, recalled, renew_pending keep it in resumeState); a loan when unknown. */
const atPlace = (lc: Lifecycle): PatronPhase => PLACE_PHASES[asItemPlace(lc.resumeState) ?? 'checked_out'];

/** Every requester state's phase. */
export const PHASE_OF_STATE: Record<RequesterState, PhaseOf> = {
  new: 'submitted',
  validated: 'submitted',
  // Staff decide between their own copy and asking others; the patron hears the outcome.
  local_review: 'submitted',
  // Staff sort out the patron check; for the patron it is still with us.
  error: 'submitted',
  sent_to_supplier: 'searching',
  expect_to_supply: 'searching',
  will_supply: 'searching',
  conditional: 'searching',
  // A cancel waits for the lender's answer; it may still have shipped (resumeState is where we were).
  cancel_pending: 'searching',
  retry_offered: 'searching',
  retry_scheduled: 'searching',
  shipped: 'on_the_way',
  received: 'ready_for_pickup',
  checked_out: 'on_loan',
  returned_by_patron: 'returned',
  shipped_return: 'returned',
  overdue: atPlace,
  recalled: atPlace,
  renew_pending: atPlace,
  // A copy completes on delivery; a loan once the lender has it back.
  complete: (lc) => (lc.serviceType === 'Copy' || lc.lastStatus === 'CopyCompleted' ? 'delivered' : 'completed'),
  cancelled: 'cancelled',
  unfilled: 'unfilled',
  filled_locally: 'held_locally',
  // Staff closed it by hand (CrossLink MANUALLY_CLOSED): for the patron it is over.
  closed: 'completed',
};

/** Phases the item cannot be sent after anymore: a cancel from here would come too late. */
const ITEM_MOVING: ReadonlySet<PatronPhase> = new Set(['on_the_way', 'ready_for_pickup', 'on_loan', 'returned']);

export interface PatronStatus {
  readonly phase: PatronPhase;
  readonly recalled: boolean;
  /** The due date has passed (the lender said so, or the clock does) while the patron has the item. */
  readonly overdue: boolean;
  readonly renewalPending: boolean;
  /** The patron (or staff) asked to cancel; the lender's answer is still to come. */
  readonly cancelRequested: boolean;
  /** Whether the request has ended (the machine's terminal states). */
  readonly ended: boolean;
  readonly actions: readonly PatronAction[];
}

export interface PatronStatusSource {
  readonly state: string;
  readonly lifecycle: Lifecycle;
}

/** The patron's view of a borrowing request's state at `at`. A state this server does not know reads as submitted, with nothing to do. */
export function patronStatus(request: PatronStatusSource, at: Date): PatronStatus {
  const state = Object.hasOwn(REQUESTER_STATES, request.state) ? (request.state as RequesterState) : undefined;
  const lc = request.lifecycle;
  if (!state) return { phase: 'submitted', recalled: false, overdue: false, renewalPending: false, cancelRequested: false, ended: false, actions: [] };
  const of = PHASE_OF_STATE[state];
  const phase = typeof of === 'function' ? of(lc) : of;
  const staff = requesterActions(state, lc);
  const due = lc.dueDate ? new Date(lc.dueDate).getTime() : Number.NaN;
  const withPatron = phase === 'on_loan' || phase === 'ready_for_pickup';
  const actions: PatronAction[] = [];
  // Cancel only while nothing is on its way: where staff may cancel, and not once the lender has shipped.
  if (staff.includes('cancel') && !ITEM_MOVING.has(phase) && lc.lastStatus !== 'Loaned') actions.push('cancel');
  // Renew a loan the patron has; not one they have not collected, nor a second time while asked.
  if (staff.includes('renew') && phase === 'on_loan') actions.push('renew');
  return {
    phase,
    recalled: state === 'recalled',
    overdue: state === 'overdue' || (withPatron && lc.lastStatus === 'Overdue') || (withPatron && !Number.isNaN(due) && due < at.getTime()),
    renewalPending: state === 'renew_pending',
    cancelRequested: state === 'cancel_pending',
    ended: REQUESTER_STATES[state].terminal,
    actions,
  };
}
