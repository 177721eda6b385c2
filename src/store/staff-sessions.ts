/** Server-side sessions of staff users; the cookie holds a random token, the table only its SHA-256. */
import { and, eq, lt, ne, or } from 'drizzle-orm';
import type { Db } from './db';
import { staffSessions, staffUsers } from './schema';
import type { StaffUserRow } from './staff-users';

export type StaffSessionRow = typeof staffSessions.$inferSelect;
export type NewStaffSession = Pick<StaffSessionRow, 'id' | 'tokenHash' | 'userId' | 'createdAt' | 'lastSeenAt' | 'idleExpiresAt' | 'expiresAt'>;

export async function insertStaffSession(db: Db, session: NewStaffSession): Promise<StaffSessionRow> {
  const [row] = await db.insert(staffSessions).values(session).returning();
  return row!;
}

/** The session and its user, whatever their state: the caller decides what has expired. */
export async function findSessionByTokenHash(db: Db, tokenHash: string): Promise<{ session: StaffSessionRow; user: StaffUserRow } | undefined> {
  const [row] = await db.select({ session: staffSessions, user: staffUsers }).from(staffSessions).innerJoin(staffUsers, eq(staffSessions.userId, staffUsers.id)).where(eq(staffSessions.tokenHash, tokenHash));
  return row;
}

export async function findStaffSessionById(db: Db, id: string): Promise<StaffSessionRow | undefined> {
  const [row] = await db.select().from(staffSessions).where(eq(staffSessions.id, id));
  return row;
}

/** Moves the idle expiry on; written only when the last write is older than `granularityMs`. */
export async function touchStaffSession(db: Db, id: string, at: Date, idleExpiresAt: Date, granularityMs: number): Promise<void> {
  await db
    .update(staffSessions)
    .set({ lastSeenAt: at, idleExpiresAt })
    .where(and(eq(staffSessions.id, id), lt(staffSessions.lastSeenAt, new Date(at.getTime() - granularityMs))));
}

export async function deleteStaffSession(db: Db, id: string): Promise<void> {
  await db.delete(staffSessions).where(eq(staffSessions.id, id));
}

/** Every session of the user, or every one but `except` (a password change keeps the session that made it). */
export async function deleteSessionsOfUser(db: Db, userId: string, except?: string): Promise<number> {
  const rows = await db
    .delete(staffSessions)
    .where(and(eq(staffSessions.userId, userId), except ? ne(staffSessions.id, except) : undefined))
    .returning({ id: staffSessions.id });
  return rows.length;
}

/** Sessions past either expiry; run as new sessions are made, so the table does not grow without bound. */
export async function deleteExpiredSessions(db: Db, at: Date): Promise<number> {
  const rows = await db
    .delete(staffSessions)
    .where(or(lt(staffSessions.idleExpiresAt, at), lt(staffSessions.expiresAt, at)))
    .returning({ id: staffSessions.id });
  return rows.length;
}
