/**
 * Outbox rows: effects committed with the decision that caused them, waiting for a worker.
 * Lifecycle: pending (committed) -> queued (claimed by the relay; a BullMQ job with id = row id
 * is being or has been added) -> done, or dead when retries are exhausted or the work was
 * refused (the request then needs attention). A queued row goes back to pending when its job
 * could not be added or was lost by Redis.
 */
import { and, asc, eq, gt, inArray, isNotNull, isNull, lte, ne, sql } from 'drizzle-orm';
import { QUEUES, type OutboxJob } from '../jobs';
import type { Db } from './db';
import { appendRemark } from './events';
import { outbox, requests } from './schema';

export type OutboxRow = typeof outbox.$inferSelect;

/** A row to write: a job of the closed list (src/jobs.ts), on its queue, with its payload. */
export type OutboxEffect = OutboxJob;

export async function addToOutbox(tx: Db, effects: readonly OutboxEffect[], newId: () => string): Promise<string[]> {
  if (effects.length === 0) return [];
  const rows = effects.map((e) => ({
    id: newId(),
    queue: e.queue,
    jobName: e.jobName,
    payload: e.payload,
    requestId: e.requestId ?? null,
    notBefore: e.notBefore ?? null,
  }));
  await tx.insert(outbox).values(rows);
  return rows.map((r) => r.id);
}

/**
 * Locks up to `limit` committed pending rows for the caller's transaction, oldest first.
 * SKIP LOCKED lets several relays (server and a separate worker process) share the work.
 *
 * Messages leave one at a time per conversation, in commit order: a delivery row waits while an
 * earlier delivery row of the same request to the same partner is still pending or queued, so a
 * partner never sees ShippedReturn before Received however the retries fall, while a partner that
 * is down holds up nothing sent to another one. NCIP calls to the ILS keep their order the same
 * way (CheckInItem never overtakes the AcceptItem that created the item).
 */
export async function lockPendingRows(tx: Db, limit: number): Promise<Pick<OutboxRow, 'id' | 'queue' | 'jobName' | 'notBefore'>[]> {
  return tx
    .select({ id: outbox.id, queue: outbox.queue, jobName: outbox.jobName, notBefore: outbox.notBefore })
    .from(outbox)
    .where(
      and(
        eq(outbox.status, 'pending'),
        sql`not (${outbox.queue} in (${QUEUES.delivery}, ${QUEUES.ncip}) and exists (
          select 1 from outbox earlier
          where earlier.request_id = ${outbox.requestId} and earlier.queue = ${outbox.queue}
            and earlier.payload->>'to' is not distinct from ${outbox.payload}->>'to'
            and earlier.seq < ${outbox.seq} and earlier.status in ('pending', 'queued')))`,
      ),
    )
    .orderBy(asc(outbox.seq))
    .limit(limit)
    .for('update', { of: outbox, skipLocked: true });
}

export async function markQueued(tx: Db, ids: readonly string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx.update(outbox).set({ status: 'queued', queuedAt: at }).where(and(inArray(outbox.id, [...ids]), eq(outbox.status, 'pending')));
}

export type ClaimedRow = Pick<OutboxRow, 'id' | 'queue' | 'jobName' | 'notBefore'>;

/**
 * Claims up to `limit` pending rows for the relay in one short transaction: they are queued when
 * it commits, before any job is added, so no transaction is ever open while Redis is asked.
 */
export async function claimPendingRows(db: Db, limit: number, at: Date): Promise<ClaimedRow[]> {
  return db.transaction(async (tx) => {
    const rows = await lockPendingRows(tx, limit);
    await markQueued(
      tx,
      rows.map((r) => r.id),
      at,
    );
    return rows;
  });
}

/**
 * Puts queued rows back to pending, for the relay to try again: their job could not be added, or
 * (with `queuedUpTo`) the sweeper found it missing. `queuedUpTo` keeps a row that was queued
 * again meanwhile as it is. Returns the ids released.
 */
export async function releaseToPending(db: Db, ids: readonly string[], queuedUpTo?: Date): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .update(outbox)
    .set({ status: 'pending', queuedAt: null })
    .where(and(inArray(outbox.id, [...ids]), eq(outbox.status, 'queued'), ...(queuedUpTo ? [lte(outbox.queuedAt, queuedUpTo)] : [])))
    .returning({ id: outbox.id });
  return rows.map((r) => r.id);
}

/** Rows queued at or before `queuedUpTo`, in commit order after `afterSeq` (the sweeper pages through them). */
export async function listQueuedRows(db: Db, queuedUpTo: Date, afterSeq: number, limit: number): Promise<Pick<OutboxRow, 'id' | 'seq' | 'queue' | 'queuedAt' | 'requestId'>[]> {
  return db
    .select({ id: outbox.id, seq: outbox.seq, queue: outbox.queue, queuedAt: outbox.queuedAt, requestId: outbox.requestId })
    .from(outbox)
    .where(and(eq(outbox.status, 'queued'), lte(outbox.queuedAt, queuedUpTo), gt(outbox.seq, afterSeq)))
    .orderBy(asc(outbox.seq))
    .limit(limit);
}

export async function getOutboxRow(db: Db, id: string): Promise<OutboxRow | undefined> {
  const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
  return row;
}

/** Returns false when the row was already done (a replayed job): the caller did nothing new. */
export async function markDone(db: Db, id: string, at: Date): Promise<boolean> {
  const updated = await db
    .update(outbox)
    .set({ status: 'done', completedAt: at, attempts: sql`${outbox.attempts} + 1`, lastError: null })
    .where(and(eq(outbox.id, id), ne(outbox.status, 'done')))
    .returning({ id: outbox.id });
  return updated.length === 1;
}

export async function recordFailedAttempt(db: Db, id: string, error: string): Promise<void> {
  await db
    .update(outbox)
    .set({ attempts: sql`${outbox.attempts} + 1`, lastError: error })
    .where(and(eq(outbox.id, id), ne(outbox.status, 'done')));
}

/**
 * Gives up on a row: it stays as evidence, its request is flagged for staff, and the request's
 * audit trail says what could not be done and why. A row already settled is left alone (a job
 * run twice, or the sweeper after the worker), so the trail says it once. Returns whether this
 * call settled it.
 */
export async function markDead(db: Db, id: string, error: string, at: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(outbox)
      .set({ status: 'dead', lastError: error, completedAt: at, attempts: sql`${outbox.attempts} + 1` })
      .where(and(eq(outbox.id, id), inArray(outbox.status, ['pending', 'queued'])))
      .returning({ requestId: outbox.requestId, queue: outbox.queue, jobName: outbox.jobName });
    if (!row) return false;
    if (!row.requestId) return true;
    const [request] = await tx.update(requests).set({ needsAttention: true, updatedAt: at }).where(eq(requests.id, row.requestId)).returning({ id: requests.id, state: requests.state });
    if (request) await appendRemark(tx, request, { event: 'needs_attention', actor: 'system:worker', data: { reason: error, queue: row.queue, job: row.jobName, outboxId: id }, at });
    return true;
  });
}

/**
 * A row that keeps failing puts its request in front of staff while it is still retrying (once:
 * a row that did so already does nothing). Returns false when the row had raised it already or is
 * no longer live.
 */
export async function raiseAttention(tx: Db, id: string, remark: { reason: string; actor: string; data?: Record<string, unknown> }, at: Date): Promise<boolean> {
  const [row] = await tx
    .update(outbox)
    .set({ attentionAt: at })
    .where(and(eq(outbox.id, id), isNull(outbox.attentionAt), inArray(outbox.status, ['pending', 'queued'])))
    .returning({ requestId: outbox.requestId, queue: outbox.queue, jobName: outbox.jobName });
  if (!row?.requestId) return row !== undefined;
  const [request] = await tx.update(requests).set({ needsAttention: true, updatedAt: at }).where(eq(requests.id, row.requestId)).returning({ id: requests.id, state: requests.state });
  if (request) {
    await appendRemark(tx, request, { event: 'needs_attention', actor: remark.actor, data: { reason: remark.reason, queue: row.queue, job: row.jobName, outboxId: id, ...remark.data }, at });
  }
  return true;
}

/**
 * The row's trouble is over (the partner answered): it no longer holds its request in front of
 * staff. Returns whether it had, and the request's attention before and after (see refreshAttention).
 */
export async function settleAttention(tx: Db, id: string, at: Date): Promise<{ request: { id: string; state: string }; before: boolean; after: boolean } | undefined> {
  const [row] = await tx.update(outbox).set({ attentionAt: null }).where(and(eq(outbox.id, id), isNotNull(outbox.attentionAt))).returning({ requestId: outbox.requestId });
  if (!row?.requestId) return undefined;
  const [request] = await tx.select({ id: requests.id, state: requests.state, needsAttention: requests.needsAttention }).from(requests).where(eq(requests.id, row.requestId)).for('update');
  if (!request) return undefined;
  return { request, before: request.needsAttention, after: await refreshAttention(tx, request.id, at) };
}

export async function countByStatus(db: Db): Promise<Record<OutboxRow['status'], number>> {
  const rows = await db.select({ status: outbox.status, n: sql<number>`count(*)::int` }).from(outbox).groupBy(outbox.status);
  const counts = { pending: 0, queued: 0, done: 0, dead: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}

/**
 * Seconds since the oldest pending row was committed and since the oldest queued row became due
 * (queued, or its timer's time if later: a timer waiting for its day is not late), 0 when none.
 */
export async function oldestRowAges(db: Db, at: Date): Promise<{ pending: number; queued: number }> {
  const [row] = await db
    .select({
      pending: sql<Date | string | null>`min(${outbox.createdAt}) filter (where ${outbox.status} = 'pending')`,
      queued: sql<Date | string | null>`min(greatest(${outbox.queuedAt}, coalesce(${outbox.notBefore}, ${outbox.queuedAt}))) filter (where ${outbox.status} = 'queued')`,
    })
    .from(outbox)
    .where(inArray(outbox.status, ['pending', 'queued']));
  const age = (since: Date | string | null | undefined) => (since ? Math.max(0, (at.getTime() - new Date(since).getTime()) / 1000) : 0);
  return { pending: age(row?.pending), queued: age(row?.queued) };
}

export async function listOutboxForRequest(db: Db, requestId: string): Promise<OutboxRow[]> {
  return db.select().from(outbox).where(eq(outbox.requestId, requestId)).orderBy(asc(outbox.seq));
}

/**
 * Staff retry of a dead row: a fresh pending copy takes its place in the request's order (same
 * `seq`) under a new id, because the relay uses the row id as BullMQ job id and the old job is
 * kept for days, so re-adding it would be ignored. The dead row is settled as done, saying which
 * row replaced it. Returns the new row, or undefined when the row is not dead (anymore).
 */
export async function requeueDeadRow(tx: Db, id: string, newId: string, note: string, at: Date): Promise<OutboxRow | undefined> {
  const [old] = await tx
    .update(outbox)
    .set({ status: 'done', completedAt: at, lastError: sql`${note} || coalesce(': ' || ${outbox.lastError}, '')` })
    .where(and(eq(outbox.id, id), eq(outbox.status, 'dead')))
    .returning();
  if (!old) return undefined;
  const [row] = await tx
    .insert(outbox)
    .values({ id: newId, seq: old.seq, queue: old.queue, jobName: old.jobName, payload: old.payload, requestId: old.requestId, status: 'pending', createdAt: at })
    .returning();
  return row;
}

/** Staff skip of a dead row: settled as done, with the note in place of the error. */
export async function settleDeadRow(tx: Db, id: string, note: string, at: Date): Promise<OutboxRow | undefined> {
  const [row] = await tx
    .update(outbox)
    .set({ status: 'done', completedAt: at, lastError: sql`${note} || coalesce(' (was: ' || ${outbox.lastError} || ')', '')` })
    .where(and(eq(outbox.id, id), eq(outbox.status, 'dead')))
    .returning();
  return row;
}

/**
 * Sets the request's "needs attention" from what is left: some of its work is dead or has been
 * failing too long (raiseAttention), or its state needs staff anyway (`error`). Returns the new value.
 */
export async function refreshAttention(tx: Db, requestId: string, at: Date): Promise<boolean> {
  const [row] = await tx
    .update(requests)
    .set({
      needsAttention: sql`(${requests.state} = 'error' or exists (select 1 from outbox o where o.request_id = ${requests.id}
        and (o.status = 'dead' or (o.status in ('pending', 'queued') and o.attention_at is not null))))`,
      updatedAt: at,
    })
    .where(eq(requests.id, requestId))
    .returning({ needsAttention: requests.needsAttention });
  return row?.needsAttention ?? false;
}
