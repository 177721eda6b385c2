/** Member libraries served by this instance. */
import { eq, or, sql } from 'drizzle-orm';
import type { Db } from './db';
import { libraries } from './schema';

export type LibraryRow = typeof libraries.$inferSelect;
export type NewLibrary = Pick<typeof libraries.$inferInsert, 'id' | 'symbol' | 'name' | 'settings'>;

export async function insertLibrary(db: Db, library: NewLibrary): Promise<LibraryRow> {
  const [row] = await db.insert(libraries).values(library).returning();
  return row!;
}

export async function findLibraryBySymbol(db: Db, symbol: string): Promise<LibraryRow | undefined> {
  const [row] = await db.select().from(libraries).where(eq(libraries.symbol, symbol));
  return row;
}

export async function listLibraries(db: Db): Promise<LibraryRow[]> {
  return db.select().from(libraries).orderBy(libraries.symbol);
}

export async function findLibraryById(db: Db, id: string): Promise<LibraryRow | undefined> {
  const [row] = await db.select().from(libraries).where(eq(libraries.id, id));
  return row;
}

/**
 * Member libraries an NCIP or ISO 18626 agency code can mean: the whole symbol (`ISIL:DK-123`)
 * or only its value (`DK-123`, as NCIP peers send it), compared without case.
 */
export async function findLibrariesByAgencyCode(db: Db, code: string): Promise<LibraryRow[]> {
  const wanted = code.trim().toLowerCase();
  return db
    .select()
    .from(libraries)
    .where(or(sql`lower(${libraries.symbol}) = ${wanted}`, sql`lower(split_part(${libraries.symbol}, ':', 2)) = ${wanted}`));
}

export async function updateLibrary(db: Db, id: string, changes: Partial<Pick<LibraryRow, 'name' | 'settings'>>, at: Date): Promise<LibraryRow | undefined> {
  const [row] = await db.update(libraries).set({ ...changes, updatedAt: at }).where(eq(libraries.id, id)).returning();
  return row;
}
