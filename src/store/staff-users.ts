/** Staff users: people who sign in. Passwords are stored as scrypt hashes only (services/access/passwords.ts). */
import { asc, count, eq, inArray } from 'drizzle-orm';
import type { Db } from './db';
import { staffUsers } from './schema';

export type StaffUserRow = typeof staffUsers.$inferSelect;
export type NewStaffUser = Pick<typeof staffUsers.$inferInsert, 'id' | 'username' | 'displayName' | 'email' | 'role' | 'libraryId' | 'passwordHash' | 'mustChangePassword' | 'createdAt'>;
export type StaffUserChange = Partial<Pick<StaffUserRow, 'displayName' | 'email' | 'role' | 'libraryId' | 'disabled' | 'passwordHash' | 'mustChangePassword' | 'lastSignInAt'>>;

/** Undefined when the username is taken (the unique index decides, so two racing inserts cannot both win). */
export async function insertStaffUser(db: Db, user: NewStaffUser): Promise<StaffUserRow | undefined> {
  const [row] = await db
    .insert(staffUsers)
    .values({ ...user, updatedAt: user.createdAt })
    .onConflictDoNothing({ target: staffUsers.username })
    .returning();
  return row;
}

export async function findStaffUserById(db: Db, id: string): Promise<StaffUserRow | undefined> {
  const [row] = await db.select().from(staffUsers).where(eq(staffUsers.id, id));
  return row;
}

export async function findStaffUserByUsername(db: Db, username: string): Promise<StaffUserRow | undefined> {
  const [row] = await db.select().from(staffUsers).where(eq(staffUsers.username, username));
  return row;
}

/** By username; only one library's users when `libraryId` is given. */
export async function listStaffUsers(db: Db, libraryId?: string): Promise<StaffUserRow[]> {
  return db
    .select()
    .from(staffUsers)
    .where(libraryId ? eq(staffUsers.libraryId, libraryId) : undefined)
    .orderBy(asc(staffUsers.username));
}

export async function countStaffUsers(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(staffUsers);
  return row?.n ?? 0;
}

export async function updateStaffUser(db: Db, id: string, change: StaffUserChange, at: Date): Promise<StaffUserRow | undefined> {
  const [row] = await db
    .update(staffUsers)
    .set({ ...change, updatedAt: at })
    .where(eq(staffUsers.id, id))
    .returning();
  return row;
}

/** Display names by user id, for the timeline. */
export async function staffUserNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: staffUsers.id, displayName: staffUsers.displayName })
    .from(staffUsers)
    .where(inArray(staffUsers.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r.displayName]));
}
