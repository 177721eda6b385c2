/**
 * Staff users: people with a username and password, a role (the same three as keys) and a
 * library scope. Admins manage them; a library-scoped admin sees and manages its own library's
 * users only (another library's user is not found, as if it did not exist).
 */
import { z } from 'zod';
import { canonicalSymbol, agencySymbolSchema } from '../../domain/symbols';
import type { Db } from '../../store/db';
import { findLibraryBySymbol, listLibraries } from '../../store/libraries';
import { clearSetupCodes } from '../../store/setup-codes';
import { deleteSessionsOfUser } from '../../store/staff-sessions';
import { findStaffUserById, insertStaffUser, listStaffUsers, updateStaffUser, type StaffUserRow } from '../../store/staff-users';
import type { ServiceDeps } from '../deps';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../errors';
import { fieldProblems } from '../validation';
import { API_ROLES, type ApiRole, type Principal } from './api-keys';
import { hashPassword, passwordSchema } from './passwords';

export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._@-]{1,63}$/, 'must be 2 to 64 letters, digits or . _ @ - (not starting with a sign)')
  .meta({ description: 'Sign-in name, case-insensitive (kept lower-cased)', example: 'ada' });

const displayName = z.string().trim().min(1).max(200).meta({ description: 'The name shown in timelines', example: 'Ada Lovelace' });
const email = z.email('must be an e-mail address').nullable().optional();
const library = agencySymbolSchema.nullable().optional().meta({ description: 'The member library the user works for; null or absent: all libraries' });

export const newStaffUserSchema = z
  .object({ username: usernameSchema, displayName, email, role: z.enum(API_ROLES), library, password: passwordSchema })
  .strict();

export const staffUserChangeSchema = z
  .object({ displayName: displayName.optional(), email, role: z.enum(API_ROLES).optional(), library, disabled: z.boolean().optional() })
  .strict();

export const passwordResetSchema = z.object({ password: passwordSchema }).strict();

export interface StaffUserView {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly email: string | null;
  readonly role: ApiRole;
  readonly library: string | null;
  readonly disabled: boolean;
  readonly mustChangePassword: boolean;
  readonly createdAt: Date;
  readonly lastSignInAt: Date | null;
}

export async function librarySymbolsById(deps: ServiceDeps): Promise<Map<string, string>> {
  return new Map((await listLibraries(deps.db)).map((l) => [l.id, l.symbol]));
}

export function staffUserView(row: StaffUserRow, symbols: ReadonlyMap<string, string>): StaffUserView {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    email: row.email,
    role: row.role,
    library: row.libraryId ? (symbols.get(row.libraryId) ?? null) : null,
    disabled: row.disabled,
    mustChangePassword: row.mustChangePassword,
    createdAt: row.createdAt,
    lastSignInAt: row.lastSignInAt,
  };
}

async function libraryIdOf(deps: ServiceDeps, symbol: string | null | undefined): Promise<string | null> {
  if (!symbol) return null;
  const found = await findLibraryBySymbol(deps.db, canonicalSymbol(symbol));
  if (!found) throw new ValidationFailed([{ path: 'library', message: `no member library ${canonicalSymbol(symbol)} is served here` }]);
  return found.id;
}

/** A library-scoped admin gives its own library to the users it makes and cannot give another. */
function scopedLibrary(libraryId: string | null, given: boolean, by: Principal | undefined): string | null {
  if (!by?.libraryId) return libraryId;
  if (!given || libraryId === null) {
    if (given) throw new Forbidden('an admin of one library can only make users of that library');
    return by.libraryId;
  }
  if (libraryId !== by.libraryId) throw new Forbidden('an admin of one library can only make users of that library');
  return libraryId;
}

/**
 * Makes a user; `by` is the admin asking (absent: the command line or the first-run setup).
 * `db` may be a transaction (setup makes the first admin in the one that consumes the code).
 */
export async function createStaffUser(deps: ServiceDeps, input: unknown, options: { readonly by?: Principal; readonly mustChangePassword?: boolean; readonly db?: Db } = {}): Promise<StaffUserView> {
  const parsed = newStaffUserSchema.safeParse(input);
  if (!parsed.success) throw fieldProblems(parsed.error);
  const db = options.db ?? deps.db;
  const at = { ...deps, db };
  const libraryId = scopedLibrary(await libraryIdOf(at, parsed.data.library), parsed.data.library !== undefined, options.by);
  const row = await insertStaffUser(db, {
    id: deps.newId(),
    username: parsed.data.username,
    displayName: parsed.data.displayName,
    email: parsed.data.email ?? null,
    role: parsed.data.role,
    libraryId,
    passwordHash: await hashPassword(parsed.data.password),
    mustChangePassword: options.mustChangePassword ?? false,
    createdAt: deps.now(),
  });
  if (!row) throw new Conflict(`the username ${parsed.data.username} is taken`);
  // Once anyone can sign in, the first-run codes have no use left.
  await clearSetupCodes(db);
  return staffUserView(row, await librarySymbolsById(at));
}

export async function listUsers(deps: ServiceDeps, by: Principal): Promise<StaffUserView[]> {
  const symbols = await librarySymbolsById(deps);
  return (await listStaffUsers(deps.db, by.libraryId ?? undefined)).map((row) => staffUserView(row, symbols));
}

async function visibleUser(deps: ServiceDeps, id: string, by: Principal): Promise<StaffUserRow> {
  const row = z.uuid().safeParse(id).success ? await findStaffUserById(deps.db, id) : undefined;
  if (!row || (by.libraryId !== null && row.libraryId !== by.libraryId)) throw new NotFound('user', id);
  return row;
}

export async function getUser(deps: ServiceDeps, id: string, by: Principal): Promise<StaffUserView> {
  return staffUserView(await visibleUser(deps, id, by), await librarySymbolsById(deps));
}

/** Disabling a user ends its sessions at once; a new role or library applies from the next request (sessions read the user each time). */
export async function changeUser(deps: ServiceDeps, id: string, input: z.output<typeof staffUserChangeSchema>, by: Principal): Promise<StaffUserView> {
  const existing = await visibleUser(deps, id, by);
  const libraryId = input.library === undefined ? existing.libraryId : scopedLibrary(await libraryIdOf(deps, input.library), true, by);
  if (by.kind === 'user' && by.userId === id && (input.disabled === true || (input.role !== undefined && input.role !== 'admin'))) {
    throw new Conflict('an admin cannot disable or demote their own account; ask another admin');
  }
  const row = await deps.db.transaction(async (tx) => {
    const updated = await updateStaffUser(
      tx,
      id,
      {
        ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
        ...(input.email !== undefined ? { email: input.email } : {}),
        ...(input.role !== undefined ? { role: input.role } : {}),
        ...(input.library !== undefined ? { libraryId } : {}),
        ...(input.disabled !== undefined ? { disabled: input.disabled } : {}),
      },
      deps.now(),
    );
    if (input.disabled === true) await deleteSessionsOfUser(tx, id);
    return updated!;
  });
  return staffUserView(row, await librarySymbolsById(deps));
}

/** An admin's reset: a temporary password the user must change; every session of the user ends. */
export async function resetPassword(deps: ServiceDeps, id: string, password: string, by: Principal): Promise<void> {
  await visibleUser(deps, id, by);
  const passwordHash = await hashPassword(password);
  await deps.db.transaction(async (tx) => {
    await updateStaffUser(tx, id, { passwordHash, mustChangePassword: true }, deps.now());
    await deleteSessionsOfUser(tx, id);
  });
}
