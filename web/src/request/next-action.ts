/**
 * The action a scan leads to (`?focus=next`): what staff most often do next in each state.
 * A state not listed, or whose primary action is not offered now, focuses the first action.
 */
import type { RequestRole } from '../format';

const PRIMARY: Readonly<Record<RequestRole, Readonly<Record<string, string>>>> = {
  requester: {
    error: 'retry',
    validated: 'send',
    local_review: 'fill_locally',
    conditional: 'accept_conditions',
    retry_offered: 'accept_retry',
    shipped: 'mark_received',
    received: 'check_out',
    checked_out: 'mark_returned',
    overdue: 'mark_returned',
    recalled: 'mark_returned',
    returned_by_patron: 'ship_return',
    unfilled: 'rerequest',
  },
  supplier: {
    received: 'will_supply',
    validated: 'will_supply',
    will_supply: 'mark_picked',
    awaiting_shipping: 'ship',
    cancel_requested: 'accept_cancel',
    renew_requested: 'approve_renewal',
    returned_by_borrower: 'check_in',
    overdue: 'check_in',
    recalled: 'check_in',
  },
  broker: {},
};

/** The state's usual next action, when the request offers it (shown as the primary button). */
export function primaryAction(role: RequestRole, state: string, actions: readonly string[]): string | undefined {
  const primary = PRIMARY[role][state];
  return primary !== undefined && actions.includes(primary) ? primary : undefined;
}

/** The action a scan focuses: the primary one, else the first offered. */
export function nextAction(role: RequestRole, state: string, actions: readonly string[]): string | undefined {
  return primaryAction(role, state, actions) ?? actions[0];
}
