/**
 * Member libraries served by this instance. Reads for requests go through the directory cache
 * (directory-cache.ts); every write here announces the row it wrote (directory-changes.ts).
 */
import { eq, getTableColumns } from 'drizzle-orm';
import type { Db } from './db';
import { announce, withoutAnnouncement } from './directory-changes';
import { libraries } from './schema';

export type LibraryRow = typeof libraries.$inferSelect;
export type NewLibrary = Pick<typeof libraries.$inferInsert, 'id' | 'symbol' | 'name' | 'settings'>;

const announcedRow = { ...getTableColumns(libraries), announced: announce('libraries', libraries.symbol) };

export async function insertLibrary(db: Db, library: NewLibrary): Promise<LibraryRow> {
  const [row] = await db.insert(libraries).values(library).returning(announcedRow);
  return withoutAnnouncement(row!);
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

export async function updateLibrary(db: Db, id: string, changes: Partial<Pick<LibraryRow, 'name' | 'settings'>>, at: Date): Promise<LibraryRow | undefined> {
  const [row] = await db.update(libraries).set({ ...changes, updatedAt: at }).where(eq(libraries.id, id)).returning(announcedRow);
  return row && withoutAnnouncement(row);
}
