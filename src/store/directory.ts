/**
 * Upserts for bootstrapping the directory from a file: one row per symbol, updated in place.
 * Each announces the row it wrote (directory-changes.ts), as every write of the directory does.
 */
import { sql } from 'drizzle-orm';
import type { Db } from './db';
import { announce } from './directory-changes';
import { libraries, partners } from './schema';

export type PartnerUpsert = Pick<typeof partners.$inferInsert, 'id' | 'symbol' | 'name' | 'iso18626Url' | 'auth' | 'policies' | 'vendor' | 'contactEmail' | 'status' | 'protocolVersion'>;
export type LibraryUpsert = Pick<typeof libraries.$inferInsert, 'id' | 'symbol' | 'name' | 'settings'>;

/** Returns true when the partner was new. */
export async function upsertPartner(db: Db, partner: PartnerUpsert, at: Date): Promise<boolean> {
  const [row] = await db
    .insert(partners)
    .values({ ...partner, createdAt: at, updatedAt: at })
    .onConflictDoUpdate({
      target: partners.symbol,
      set: {
        name: partner.name,
        iso18626Url: partner.iso18626Url,
        auth: partner.auth,
        policies: partner.policies,
        vendor: partner.vendor,
        contactEmail: partner.contactEmail,
        status: partner.status,
        ...(partner.protocolVersion !== undefined ? { protocolVersion: partner.protocolVersion } : {}),
        updatedAt: at,
      },
    })
    .returning({ created: sql<boolean>`(xmax = 0)`, announced: announce('partners', partners.symbol) });
  return Boolean(row?.created);
}

/** Library settings from the file are merged over the stored ones (staff edits to other keys stay). */
export async function upsertLibrary(db: Db, library: LibraryUpsert, at: Date): Promise<boolean> {
  const [row] = await db
    .insert(libraries)
    .values({ ...library, createdAt: at, updatedAt: at })
    .onConflictDoUpdate({
      target: libraries.symbol,
      set: { name: library.name, settings: sql`${libraries.settings} || ${JSON.stringify(library.settings ?? {})}::jsonb`, updatedAt: at },
    })
    .returning({ created: sql<boolean>`(xmax = 0)`, announced: announce('libraries', libraries.symbol) });
  return Boolean(row?.created);
}
