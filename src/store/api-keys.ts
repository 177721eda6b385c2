/** API keys: only the SHA-256 of each key is stored; the key itself is shown once, at creation. */
import { and, desc, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import type { Db } from './db';
import { apiKeys } from './schema';

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type NewApiKey = Pick<typeof apiKeys.$inferInsert, 'id' | 'name' | 'keyHash' | 'prefix' | 'role' | 'libraryId' | 'createdAt'>;

export async function insertApiKey(db: Db, key: NewApiKey): Promise<ApiKeyRow> {
  const [row] = await db.insert(apiKeys).values(key).returning();
  return row!;
}

export async function findApiKeyByHash(db: Db, keyHash: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.keyHash, keyHash));
  return row;
}

export async function findApiKeyById(db: Db, id: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id));
  return row;
}

/** Newest first; only one library's keys when `libraryId` is given. */
export async function listApiKeys(db: Db, libraryId?: string): Promise<ApiKeyRow[]> {
  return db
    .select()
    .from(apiKeys)
    .where(libraryId ? eq(apiKeys.libraryId, libraryId) : undefined)
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

/** Sets `revokedAt` once; a second revocation keeps the first time. */
export async function revokeApiKey(db: Db, id: string, at: Date): Promise<ApiKeyRow | undefined> {
  await db.update(apiKeys).set({ revokedAt: at }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
  return findApiKeyById(db, id);
}

/** Records use at most once per `granularityMs`, so a busy integration does not write on every call. */
export async function touchApiKey(db: Db, id: string, at: Date, granularityMs: number): Promise<void> {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: at })
    .where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(at.getTime() - granularityMs)))));
}

/** Key names by id, for the timeline. */
export async function apiKeyNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: apiKeys.id, name: apiKeys.name }).from(apiKeys).where(inArray(apiKeys.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r.name]));
}
