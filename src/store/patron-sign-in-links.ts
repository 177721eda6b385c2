/** One-time sign-in links of e-mail sign-in; the table keeps only the token's SHA-256. */
import { and, eq, isNull, lt } from 'drizzle-orm';
import type { Db } from './db';
import { patronSignInLinks } from './schema';

export type PatronSignInLinkRow = typeof patronSignInLinks.$inferSelect;
export type NewPatronSignInLink = Pick<PatronSignInLinkRow, 'tokenHash' | 'libraryId' | 'email' | 'createdAt' | 'expiresAt'>;

export async function insertSignInLink(db: Db, link: NewPatronSignInLink): Promise<void> {
  await db.insert(patronSignInLinks).values(link);
}

/**
 * Marks the link used and answers it, only if nobody used it before: of two uses at once, one
 * gets the row and the other nothing (a link signs in once). Expiry is the caller's to judge.
 */
export async function useSignInLink(db: Db, tokenHash: string, at: Date): Promise<PatronSignInLinkRow | undefined> {
  const [row] = await db
    .update(patronSignInLinks)
    .set({ usedAt: at })
    .where(and(eq(patronSignInLinks.tokenHash, tokenHash), isNull(patronSignInLinks.usedAt)))
    .returning();
  return row;
}

export async function findSignInLink(db: Db, tokenHash: string): Promise<PatronSignInLinkRow | undefined> {
  const [row] = await db.select().from(patronSignInLinks).where(eq(patronSignInLinks.tokenHash, tokenHash));
  return row;
}

/** Links that expired before `before`, used or not; run as new links are made, so the table stays small. */
export async function deleteExpiredSignInLinks(db: Db, before: Date): Promise<number> {
  const rows = await db.delete(patronSignInLinks).where(lt(patronSignInLinks.expiresAt, before)).returning({ tokenHash: patronSignInLinks.tokenHash });
  return rows.length;
}
