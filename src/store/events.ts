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
