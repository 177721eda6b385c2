/** Member libraries served by this instance. */
import { eq } from 'drizzle-orm';
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
