/**
 * Counted sign-in attempts (sign_in_attempts): fixed windows per limit kind and key, starting at a
 * key's first attempt. Counting is one upsert, so attempts made at once on several instances are
 * all counted; a window that has ended is started afresh by the next attempt.
 */
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import type { Db } from './db';
import { signInAttempts } from './schema';

export interface AttemptCount {
  readonly count: number;
  readonly resetAt: Date;
}

/** The key's attempts in its current window, or undefined when it has none (or that window ended). */
export async function attemptsOf(db: Db, kind: string, key: string, at: Date): Promise<AttemptCount | undefined> {
  const [row] = await db
    .select({ count: signInAttempts.count, resetAt: signInAttempts.resetAt })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.kind, kind), eq(signInAttempts.key, key), gt(signInAttempts.resetAt, at)));
  return row;
}

/** One more attempt: in the key's window, or the first of a new one that ends `windowMs` from now. */
export async function countAttempt(db: Db, kind: string, key: string, windowMs: number, at: Date): Promise<AttemptCount> {
  const resetAt = new Date(at.getTime() + windowMs);
  const ended = sql`${signInAttempts.resetAt} <= ${at.toISOString()}::timestamptz`;
  const [row] = await db
    .insert(signInAttempts)
    .values({ kind, key, count: 1, resetAt })
    .onConflictDoUpdate({
      target: [signInAttempts.kind, signInAttempts.key],
      set: {
        count: sql`case when ${ended} then 1 else ${signInAttempts.count} + 1 end`,
        resetAt: sql`case when ${ended} then excluded.reset_at else ${signInAttempts.resetAt} end`,
      },
    })
    .returning({ count: signInAttempts.count, resetAt: signInAttempts.resetAt });
  return row!;
}

/** Windows that ended by `at`: they hold nothing a limit still needs. */
export async function deleteEndedAttempts(db: Db, at: Date): Promise<void> {
  await db.delete(signInAttempts).where(lte(signInAttempts.resetAt, at));
}
