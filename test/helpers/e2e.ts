/**
 * What every end-to-end test does with a running server: read a request's state, wait for one,
 * act as staff, read the audit trail, find the other side of a transaction.
 */
import { and, eq } from 'drizzle-orm';
import { performStaffAction } from '../../src/services/staff/actions';
import { listEvents } from '../../src/store/events';
import { decodeRequest, getRequest, type RequestRow } from '../../src/store/requests';
import { requests } from '../../src/store/schema';
import type { Instance } from './instances';
import { eventually } from './queues';

const WAIT_MS = 30_000;

export async function stateOf(instance: Instance, id: string): Promise<string | undefined> {
  return (await getRequest(instance.service.runtime.database.db, id))?.state;
}

export function waitForState(instance: Instance, id: string, state: string, timeoutMs = WAIT_MS): Promise<true> {
  return eventually(async () => (await stateOf(instance, id)) === state, timeoutMs);
}

/** A staff action through the same use case the staff API calls. */
export function act(instance: Instance, id: string, action: string, params?: Record<string, unknown>): Promise<RequestRow> {
  return performStaffAction(instance.service.lifecycle, id, { action, ...(params ? { params } : {}) }, 'staff:test');
}

/** The audit trail as `event -> state` lines. */
export async function trail(instance: Instance, id: string): Promise<string[]> {
  return (await listEvents(instance.service.runtime.database.db, id)).map((e) => `${e.event} -> ${e.toState}`);
}

/** The lender's side of a borrowing request once it has arrived (at `library`, if given). */
export function lenderRequest(lender: Instance, borrowing: RequestRow, library?: string): Promise<RequestRow> {
  return eventually(async () => {
    const [row] = await lender.service.runtime.database.db
      .select()
      .from(requests)
      .where(
        and(
          eq(requests.role, 'supplier'),
          eq(requests.requestingAgencyRequestId, borrowing.requestingAgencyRequestId),
          ...(library ? [eq(requests.supplyingAgencyId, library)] : []),
        ),
      );
    return row && decodeRequest(row);
  }, WAIT_MS);
}

/** The loan's due date as the borrower's request holds it, in ISO form. */
export async function dueDateOf(instance: Instance, id: string): Promise<string | undefined> {
  const dueDate = (await getRequest(instance.service.runtime.database.db, id))?.data.lifecycle.dueDate;
  return dueDate ? new Date(dueDate).toISOString() : undefined;
}

/**
 * The second half of a loan, once the item has shipped: the borrower receives it, lends it to
 * the patron, takes it back and ships it home; the lender checks it in and completes the loan.
 */
export async function returnLoan(borrower: Instance, borrowingId: string, lender: Instance, lendingId: string): Promise<void> {
  for (const action of ['mark_received', 'check_out', 'mark_returned', 'ship_return']) await act(borrower, borrowingId, action);
  await waitForState(lender, lendingId, 'returned_by_borrower');
  await act(lender, lendingId, 'check_in');
  await act(lender, lendingId, 'complete');
  await waitForState(borrower, borrowingId, 'complete');
}
