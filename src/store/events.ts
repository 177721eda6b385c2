/** The append-only audit trail of a request (the database refuses UPDATE and DELETE). */
import { asc, eq } from 'drizzle-orm';
import type { Db } from './db';
import { requestEvents } from './schema';

export type RequestEventRow = typeof requestEvents.$inferSelect;
export type NewRequestEvent = Omit<typeof requestEvents.$inferInsert, 'id'>;

export async function appendEvent(tx: Db, event: NewRequestEvent): Promise<RequestEventRow> {
  const [row] = await tx.insert(requestEvents).values(event).returning();
  return row!;
}

export async function listEvents(db: Db, requestId: string): Promise<RequestEventRow[]> {
  return db.select().from(requestEvents).where(eq(requestEvents.requestId, requestId)).orderBy(asc(requestEvents.id));
}

export interface Remark {
  readonly event: string;
  readonly actor: string;
  readonly data?: Record<string, unknown>;
  readonly at: Date;
}

/** An audit event that records something about a request without changing its state (a note, a skipped step). */
export async function appendRemark(tx: Db, request: { readonly id: string; readonly state: string }, remark: Remark): Promise<RequestEventRow> {
  return appendEvent(tx, { requestId: request.id, event: remark.event, fromState: request.state, toState: request.state, actor: remark.actor, data: remark.data ?? {}, at: remark.at });
}
