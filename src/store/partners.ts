/**
 * The partner directory: libraries and brokers this server exchanges ISO 18626 messages with.
 * Reads for requests go through the directory cache (directory-cache.ts); every write here
 * announces the row it wrote (directory-changes.ts), so each process's cache drops it.
 */
import { eq, getTableColumns } from 'drizzle-orm';
import type { Db } from './db';
import { announce, withoutAnnouncement } from './directory-changes';
import { partners } from './schema';

export type PartnerRow = typeof partners.$inferSelect;
export type NewPartner = Pick<typeof partners.$inferInsert, 'id' | 'symbol' | 'name' | 'iso18626Url' | 'auth' | 'policies' | 'vendor' | 'contactEmail' | 'status' | 'protocolVersion'>;

const announcedRow = { ...getTableColumns(partners), announced: announce('partners', partners.symbol) };

export async function insertPartner(db: Db, partner: NewPartner): Promise<PartnerRow> {
  const [row] = await db.insert(partners).values(partner).returning(announcedRow);
  return withoutAnnouncement(row!);
}

/** `symbol` must be canonical (src/domain/symbols.ts). */
export async function findPartnerBySymbol(db: Db, symbol: string): Promise<PartnerRow | undefined> {
  const [row] = await db.select().from(partners).where(eq(partners.symbol, symbol));
  return row;
}

export async function listPartners(db: Db): Promise<PartnerRow[]> {
  return db.select().from(partners).orderBy(partners.symbol);
}

export type PartnerChanges = Partial<Pick<typeof partners.$inferInsert, 'name' | 'iso18626Url' | 'auth' | 'policies' | 'vendor' | 'contactEmail' | 'status' | 'protocolVersion'>>;

export async function updatePartner(db: Db, id: string, changes: PartnerChanges, at: Date): Promise<PartnerRow | undefined> {
  const [row] = await db.update(partners).set({ ...changes, updatedAt: at }).where(eq(partners.id, id)).returning(announcedRow);
  return row && withoutAnnouncement(row);
}
