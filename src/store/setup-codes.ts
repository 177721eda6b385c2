/** Hashes of the one-time codes that let the first administrator be created. */
import { gt, lt } from 'drizzle-orm';
import type { Db } from './db';
import { setupCodes } from './schema';

export async function insertSetupCode(db: Db, codeHash: string, createdAt: Date, expiresAt: Date): Promise<void> {
  await db.delete(setupCodes).where(lt(setupCodes.expiresAt, createdAt));
  await db.insert(setupCodes).values({ codeHash, createdAt, expiresAt });
}

/**
 * Deletes every code still valid and returns their hashes. Run in the transaction that makes the
 * first user: of two racing setups, the second waits on the rows the first deleted and gets none.
 */
export async function takeSetupCodes(db: Db, at: Date): Promise<string[]> {
  const rows = await db.delete(setupCodes).where(gt(setupCodes.expiresAt, at)).returning({ codeHash: setupCodes.codeHash });
  return rows.map((r) => r.codeHash);
}

export async function clearSetupCodes(db: Db): Promise<void> {
  await db.delete(setupCodes);
}
