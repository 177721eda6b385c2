/** Request rows: one per role per transaction, updated only under their optimistic lock. */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from './db';
import { requests } from './schema';

export type RequestRow = typeof requests.$inferSelect;
export type NewRequestRow = Omit<typeof requests.$inferInsert, 'version' | 'createdAt' | 'updatedAt'> & { id: string };

export async function insertRequest(tx: Db, row: NewRequestRow, at: Date): Promise<RequestRow> {
  const [created] = await tx.insert(requests).values({ ...row, version: 1, createdAt: at, updatedAt: at }).returning();
  return created!;
}

export async function getRequest(db: Db, id: string): Promise<RequestRow | undefined> {
  const [row] = await db.select().from(requests).where(eq(requests.id, id));
  return row;
}

export async function findRequestByTransaction(
  db: Db,
  key: { role: RequestRow['role']; requestingAgencyId: string; requestingAgencyRequestId: string },
): Promise<RequestRow | undefined> {
  const [row] = await db
    .select()
    .from(requests)
    .where(
      and(
        eq(requests.role, key.role),
        eq(requests.requestingAgencyId, key.requestingAgencyId),
        eq(requests.requestingAgencyRequestId, key.requestingAgencyRequestId),
      ),
    );
  return row;
}

export type RequestChanges = Partial<Pick<RequestRow, 'state' | 'data' | 'needsAttention' | 'supplyingAgencyId' | 'supplyingAgencyRequestId'>>;

/**
 * Applies changes only if the row is still at `expectedVersion`; returns the new row, or
 * undefined when someone else changed it first (the caller answers 409 / retries).
 */
export async function updateRequest(tx: Db, id: string, expectedVersion: number, changes: RequestChanges, at: Date): Promise<RequestRow | undefined> {
  const [row] = await tx
    .update(requests)
    .set({ ...changes, version: sql`${requests.version} + 1`, updatedAt: at })
    .where(and(eq(requests.id, id), eq(requests.version, expectedVersion)))
    .returning();
  return row;
}
