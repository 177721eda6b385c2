/**
 * Upserts for bootstrapping the directory from a file: one row per symbol, updated in place,
 * many rows per statement.
 * Each announces the row it wrote (directory-changes.ts), as every write of the directory does.
 */
import { sql } from 'drizzle-orm';
import type { Db } from './db';
import { announce } from './directory-changes';
import { libraries, partners } from './schema';

export type PartnerUpsert = Pick<typeof partners.$inferInsert, 'id' | 'symbol' | 'name' | 'iso18626Url' | 'auth' | 'policies' | 'vendor' | 'contactEmail' | 'status' | 'protocolVersion'>;
export type LibraryUpsert = Pick<typeof libraries.$inferInsert, 'id' | 'symbol' | 'name' | 'settings'>;

/**
 * Rows per statement when loading many: a few hundred keep each statement well inside
 * PostgreSQL's 65,535 parameters (a partner takes 12) while the round trips stop counting.
 */
export const UPSERT_BATCH = 250;

/**
 * Many partners in one statement each batch, with the same effect as `upsertPartner` for each
 * in turn. `(xmax = 0)` tells a fresh row from an updated one on PostgreSQL and PGlite alike.
 * A symbol may appear only once per statement, so a repeated one starts the next batch: the
 * later entry wins and counts as an update, as one row at a time did.
 */
export async function upsertPartners(db: Db, rows: readonly PartnerUpsert[], at: Date, onBatch?: (written: number) => void | Promise<void>): Promise<{ created: number; updated: number }> {
  const count = { created: 0, updated: 0 };
  for (const batch of batches(rows)) {
    const written = await db
      .insert(partners)
      .values(batch.map((p) => ({ ...p, createdAt: at, updatedAt: at })))
      .onConflictDoUpdate({
        target: partners.symbol,
        set: {
          name: sql`excluded.name`,
          iso18626Url: sql`excluded.iso18626_url`,
          auth: sql`excluded.auth`,
          policies: sql`excluded.policies`,
          vendor: sql`excluded.vendor`,
          contactEmail: sql`excluded.contact_email`,
          status: sql`excluded.status`,
          protocolVersion: sql`excluded.protocol_version`,
          updatedAt: sql`excluded.updated_at`,
        },
      })
      .returning({ created: sql<boolean>`(xmax = 0)`, announced: announce('partners', partners.symbol) });
    tally(count, written);
    await onBatch?.(batch.length);
  }
  return count;
}

/** Many libraries, as `upsertLibrary` for each in turn (settings merged over the stored ones). */
export async function upsertLibraries(db: Db, rows: readonly LibraryUpsert[], at: Date, onBatch?: (written: number) => void | Promise<void>): Promise<{ created: number; updated: number }> {
  const count = { created: 0, updated: 0 };
  for (const batch of batches(rows)) {
    const written = await db
      .insert(libraries)
      .values(batch.map((l) => ({ ...l, settings: l.settings ?? {}, createdAt: at, updatedAt: at })))
      .onConflictDoUpdate({
        target: libraries.symbol,
        set: { name: sql`excluded.name`, settings: sql`${libraries.settings} || excluded.settings`, updatedAt: sql`excluded.updated_at` },
      })
      .returning({ created: sql<boolean>`(xmax = 0)`, announced: announce('libraries', libraries.symbol) });
    tally(count, written);
    await onBatch?.(batch.length);
  }
  return count;
}

function tally(count: { created: number; updated: number }, written: readonly { created: boolean }[]): void {
  for (const row of written) count[row.created ? 'created' : 'updated'] += 1;
}

function* batches<T extends { symbol: string }>(rows: readonly T[]): Generator<T[]> {
  let batch: T[] = [];
  let symbols = new Set<string>();
  for (const row of rows) {
    if (batch.length === UPSERT_BATCH || symbols.has(row.symbol)) {
      yield batch;
      batch = [];
      symbols = new Set();
    }
    batch.push(row);
    symbols.add(row.symbol);
  }
  if (batch.length > 0) yield batch;
}
