/** Server-side sessions of patrons; the cookie holds a random token, the table only its SHA-256. */
import { and, eq, lt, or } from 'drizzle-orm';
import type { Db } from './db';
import { patronSessions } from './schema';

export type PatronSessionRow = typeof patronSessions.$inferSelect;
export type NewPatronSession = Pick<PatronSessionRow, 'id' | 'tokenHash' | 'libraryId' | 'patronId' | 'method' | 'details' | 'createdAt' | 'lastSeenAt' | 'idleExpiresAt' | 'expiresAt'>;

export async function insertPatronSession(db: Db, session: NewPatronSession): Promise<PatronSessionRow> {
  const [row] = await db.insert(patronSessions).values(session).returning();
  return row!;
}

/** The session whatever its state: the caller decides what has expired. */
export async function findPatronSessionByTokenHash(db: Db, tokenHash: string): Promise<PatronSessionRow | undefined> {
  const [row] = await db.select().from(patronSessions).where(eq(patronSessions.tokenHash, tokenHash));
  return row;
}

/** Moves the idle expiry on; written only when the last write is older than `granularityMs`. */
export async function touchPatronSession(db: Db, id: string, at: Date, idleExpiresAt: Date, granularityMs: number): Promise<void> {
  await db
    .update(patronSessions)
    .set({ lastSeenAt: at, idleExpiresAt })
    .where(and(eq(patronSessions.id, id), lt(patronSessions.lastSeenAt, new Date(at.getTime() - granularityMs))));
}

export async function deletePatronSession(db: Db, id: string): Promise<void> {
  await db.delete(patronSessions).where(eq(patronSessions.id, id));
}

/** Every session of one patron of one library (their details erased, their card blocked). */
export async function deleteSessionsOfPatron(db: Db, libraryId: string, patronId: string): Promise<number> {
  const rows = await db
    .delete(patronSessions)
    .where(and(eq(patronSessions.libraryId, libraryId), eq(patronSessions.patronId, patronId)))
    .returning({ id: patronSessions.id });
  return rows.length;
}

/** Sessions past either expiry; run as new sessions are made, so the table does not grow without bound. */
export async function deleteExpiredPatronSessions(db: Db, at: Date): Promise<number> {
  const rows = await db
    .delete(patronSessions)
    .where(or(lt(patronSessions.idleExpiresAt, at), lt(patronSessions.expiresAt, at)))
    .returning({ id: patronSessions.id });
  return rows.length;
}
