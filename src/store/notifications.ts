/**
 * Patron notices: one row per dedupe key (`<request>:<event>`, plus the due date for reminders),
 * so a notice is claimed once however many jobs ask for it. pending -> sending -> sent | failed
 * (a transient failure; retried) | skipped (opted out, no or refused address, switched off).
 */
import { and, asc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { Db } from './db';
import { notifications } from './schema';

export type NotificationRow = typeof notifications.$inferSelect;

export interface NewNotification {
  readonly id: string;
  readonly requestId: string;
  readonly event: string;
  readonly dedupeKey: string;
  readonly recipient?: string | null;
  readonly createdAt: Date;
}

/** Inserts the row for `dedupeKey`, or finds the one already there; `created` says which. */
export async function claimNotification(db: Db, row: NewNotification): Promise<{ row: NotificationRow; created: boolean }> {
  const [inserted] = await db
    .insert(notifications)
    .values({ ...row, recipient: row.recipient ?? null, status: 'pending', attempts: 0 })
    .onConflictDoNothing({ target: notifications.dedupeKey })
    .returning();
  if (inserted) return { row: inserted, created: true };
  const existing = await findNotificationByKey(db, row.dedupeKey);
  if (!existing) throw new Error(`notification ${row.dedupeKey} vanished between insert and select`);
  return { row: existing, created: false };
}

export async function findNotificationByKey(db: Db, dedupeKey: string): Promise<NotificationRow | undefined> {
  const [row] = await db.select().from(notifications).where(eq(notifications.dedupeKey, dedupeKey));
  return row;
}

export async function listNotifications(db: Db, requestId: string): Promise<NotificationRow[]> {
  return db.select().from(notifications).where(eq(notifications.requestId, requestId)).orderBy(asc(notifications.createdAt), asc(notifications.id));
}

/**
 * How long an attempt holds a notice against other jobs. Longer than an SMTP exchange can take
 * (the sender gives up after 10 s to connect, 10 s for the greeting, 30 s of silence); a
 * `sending` row older than this was left by a worker that died mid-send.
 */
export const SENDING_LEASE_MS = 2 * 60_000;

/**
 * Takes the next send attempt for `holder` (the outbox row whose job sends it): the row becomes
 * `sending`, so two jobs for one notice (the supplier's Overdue and the daily sweep) never both
 * send it. It succeeds if the row waits (pending or failed) and nobody took an attempt since
 * `seenAttempts` was read; if `holder` itself holds it (its job is retried after a crash or a
 * failure to record the result: at least once, as notices.ts explains); or if the attempt
 * holding it is older than the lease.
 */
export async function startAttempt(db: Db, id: string, seenAttempts: number, recipient: string, at: Date, holder: string): Promise<boolean> {
  const abandoned = new Date(at.getTime() - SENDING_LEASE_MS);
  const updated = await db
    .update(notifications)
    .set({ attempts: sql`${notifications.attempts} + 1`, recipient, status: 'sending', attemptStartedAt: at, attemptHolder: holder })
    .where(
      and(
        eq(notifications.id, id),
        or(
          and(eq(notifications.attempts, seenAttempts), inArray(notifications.status, ['pending', 'failed'])),
          and(eq(notifications.status, 'sending'), or(eq(notifications.attemptHolder, holder), lt(notifications.attemptStartedAt, abandoned))),
        ),
      ),
    )
    .returning({ id: notifications.id });
  return updated.length === 1;
}

export async function markSent(db: Db, id: string, providerMessageId: string, at: Date): Promise<void> {
  await db.update(notifications).set({ status: 'sent', providerMessageId, sentAt: at, error: null }).where(eq(notifications.id, id));
}

/** A transient failure: the row waits for the job's next try. */
export async function markFailed(db: Db, id: string, error: string): Promise<void> {
  await db.update(notifications).set({ status: 'failed', error }).where(and(eq(notifications.id, id), inArray(notifications.status, ['pending', 'sending', 'failed'])));
}

/** Final: no mail for this notice, and why. Returns false when the row was already settled. */
export async function markSkipped(db: Db, id: string, why: string, recipient?: string | null): Promise<boolean> {
  const updated = await db
    .update(notifications)
    .set({ status: 'skipped', error: why, ...(recipient !== undefined ? { recipient } : {}) })
    .where(and(eq(notifications.id, id), inArray(notifications.status, ['pending', 'sending', 'failed'])))
    .returning({ id: notifications.id });
  return updated.length === 1;
}
