/**
 * The daily reminder sweep: loans due within `dueSoonDays` get a due-soon notice, loans past
 * their due date an overdue one, each once per due date. A renewal's new due date is a new key,
 * so it gets reminders of its own.
 *
 * The notification row is claimed in the same transaction as the outbox row, so a sweep run
 * twice a day (on demand, or a retried job) queues nothing new, and a crash between the two
 * cannot leave a claimed reminder that nobody sends. The worker then decides as for any notice
 * (settings, opt-out, address) and records the outcome on that row.
 */
import type { PatronNotice } from '../../domain/types';
import { JOBS, outboxJob } from '../../jobs';
import { claimNotification } from '../../store/notifications';
import { addToOutbox } from '../../store/outbox';
import { listBorrowingLoansWithDueDate, type RequestRow } from '../../store/requests';
import type { ServiceDeps } from '../deps';
import { noticeDedupeKey, ON_LOAN_STATES } from './notices';

export interface SweepDeps extends ServiceDeps {
  readonly dueSoonDays: number;
  readonly wake?: () => void;
}

export interface Reminder {
  readonly requestId: string;
  readonly notice: Extract<PatronNotice, 'due_soon' | 'overdue'>;
  readonly dueDate: string;
}

const DAY_MS = 24 * 3600 * 1000;

/** The reminder a loan is owed at `now`, if any. Pure. */
export function reminderFor(request: Pick<RequestRow, 'id' | 'role' | 'state' | 'data'>, now: Date, dueSoonDays: number): Reminder | undefined {
  if (request.role !== 'requester' || !(ON_LOAN_STATES as readonly string[]).includes(request.state)) return undefined;
  const lifecycle = request.data.lifecycle;
  // Overdue or recalled after the patron brought it back: the item is on its way home.
  if (lifecycle?.resumeState === 'returned_by_patron' || !lifecycle?.dueDate) return undefined;
  const due = new Date(lifecycle.dueDate).getTime();
  if (Number.isNaN(due)) return undefined;
  if (due < now.getTime()) return { requestId: request.id, notice: 'overdue', dueDate: lifecycle.dueDate };
  if (due <= now.getTime() + dueSoonDays * DAY_MS) return { requestId: request.id, notice: 'due_soon', dueDate: lifecycle.dueDate };
  return undefined;
}

/** One sweep at `now`: returns the reminders it queued (none that an earlier sweep queued). */
export async function sweepDueDates(deps: SweepDeps, now: Date = deps.now()): Promise<Reminder[]> {
  const loans = await listBorrowingLoansWithDueDate(deps.db, ON_LOAN_STATES);
  const queued: Reminder[] = [];
  for (const loan of loans) {
    const reminder = reminderFor(loan, now, deps.dueSoonDays);
    if (!reminder) continue;
    const created = await deps.db.transaction(async (tx) => {
      const claim = await claimNotification(tx, {
        id: deps.newId(),
        requestId: loan.id,
        event: reminder.notice,
        dedupeKey: noticeDedupeKey(loan.id, reminder.notice, reminder.dueDate),
        createdAt: now,
      });
      if (!claim.created) return false;
      await addToOutbox(tx, [outboxJob(JOBS.notice, { notice: reminder.notice, dueDate: reminder.dueDate }, { requestId: loan.id })], deps.newId);
      return true;
    });
    if (created) queued.push(reminder);
  }
  if (queued.length > 0) deps.wake?.();
  return queued;
}
