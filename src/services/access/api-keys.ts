/**
 * API keys for the staff API. A key is `ill_` and 43 characters of base64url (256 random bits);
 * only its SHA-256 is stored, so the key is shown once, when it is made. Each key has a role
 * and acts for one member library or for all of them.
 *
 * Roles: `admin` does everything (keys, directory, library settings); `staff` works on requests
 * and reads the directory and settings; `read-only` only reads.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { canonicalSymbol } from '../../domain/symbols';
import { findApiKeyByHash, findApiKeyById, insertApiKey, listApiKeys, revokeApiKey, touchApiKey, type ApiKeyRow } from '../../store/api-keys';
import { findLibraryBySymbol, listLibraries } from '../../store/libraries';
import type { ServiceDeps } from '../deps';
import { fieldProblems } from '../validation';
import { Forbidden, NotFound, ValidationFailed } from '../errors';
import { agencySymbolSchema } from '../../domain/symbols';

export { agencySymbolSchema };

export const API_ROLES = ['admin', 'staff', 'read-only'] as const;
export type ApiRole = (typeof API_ROLES)[number];

const RANK: Readonly<Record<ApiRole, number>> = { 'read-only': 0, staff: 1, admin: 2 };

export const KEY_PREFIX = 'ill_';
/** Enough of the key to tell keys apart in a list, far too little to guess the rest. */
const SHOWN_LENGTH = KEY_PREFIX.length + 8;
/** lastUsedAt is written at most this often per key. */
const TOUCH_GRANULARITY_MS = 60_000;

/** A key calling: its identity, role and the library it acts for (null: all of them). */
export interface KeyPrincipal {
  readonly kind?: 'key';
  readonly keyId: string;
  readonly name: string;
  readonly role: ApiRole;
  readonly libraryId: string | null;
}

/** A signed-in person: role and library are the user's as they are now (read at every request). */
export interface PersonPrincipal {
  readonly kind: 'user';
  readonly userId: string;
  readonly sessionId: string;
  /** The user's display name. */
  readonly name: string;
  readonly role: ApiRole;
  readonly libraryId: string | null;
  /** Signed in with a temporary password (an admin's reset, a generated one): only their own session's routes until it is changed. */
  readonly mustChangePassword?: boolean;
}

/** Who is calling: a key (machines, integrations) or a person with a session. */
export type Principal = KeyPrincipal | PersonPrincipal;

export function isPerson(principal: Principal): principal is PersonPrincipal {
  return principal.kind === 'user';
}

export function hasRole(principal: Principal, minimum: ApiRole): boolean {
  return RANK[principal.role] >= RANK[minimum];
}

/** What the timeline records as the cause of a change: `user:<id>` for a person, `staff:<key id>` for a key. */
export function actorOf(principal: Principal): string {
  return isPerson(principal) ? `user:${principal.userId}` : `staff:${principal.keyId}`;
}

export const newApiKeySchema = z
  .object({
    name: z.string().trim().min(1).max(200).meta({ description: 'Who or what uses the key', example: 'Interlending desk' }),
    role: z.enum(API_ROLES),
    library: agencySymbolSchema.nullable().optional().meta({ description: 'The member library the key acts for; null or absent: all libraries (a library-scoped admin can only make keys for its own library)' }),
  })
  .strict();

export interface ApiKeyView {
  readonly id: string;
  readonly name: string;
  readonly role: ApiRole;
  readonly library: string | null;
  readonly prefix: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

async function symbolsById(deps: ServiceDeps): Promise<Map<string, string>> {
  return new Map((await listLibraries(deps.db)).map((l) => [l.id, l.symbol]));
}

function view(row: ApiKeyRow, symbols: ReadonlyMap<string, string>): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    library: row.libraryId ? (symbols.get(row.libraryId) ?? null) : null,
    prefix: row.prefix,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

/**
 * Makes a key; `by` is the admin asking (absent: the command line). A library-scoped admin makes
 * keys of its own library only, so no key can reach further than the one that made it.
 */
export async function createApiKey(deps: ServiceDeps, input: unknown, by?: Principal): Promise<ApiKeyView & { key: string }> {
  const parsed = newApiKeySchema.safeParse(input);
  if (!parsed.success) throw fieldProblems(parsed.error);
  let libraryId: string | null = null;
  if (parsed.data.library) {
    const library = await findLibraryBySymbol(deps.db, canonicalSymbol(parsed.data.library));
    if (!library) throw new ValidationFailed([{ path: 'library', message: `no member library ${canonicalSymbol(parsed.data.library)} is served here` }]);
    libraryId = library.id;
  }
  if (by?.libraryId && libraryId === null && parsed.data.library === undefined) libraryId = by.libraryId;
  if (by?.libraryId && libraryId !== by.libraryId) throw new Forbidden('a key of one library can only make keys for that library');
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const row = await insertApiKey(deps.db, {
    id: deps.newId(),
    name: parsed.data.name,
    keyHash: hashKey(key),
    prefix: key.slice(0, SHOWN_LENGTH),
    role: parsed.data.role,
    libraryId,
    createdAt: deps.now(),
  });
  return { ...view(row, await symbolsById(deps)), key };
}

export async function listKeys(deps: ServiceDeps, by: Principal): Promise<ApiKeyView[]> {
  const symbols = await symbolsById(deps);
  return (await listApiKeys(deps.db, by.libraryId ?? undefined)).map((row) => view(row, symbols));
}

/** Revoking twice is harmless; a key of another library is not found, as if it did not exist. */
export async function revokeKey(deps: ServiceDeps, id: string, by: Principal): Promise<ApiKeyView> {
  const existing = z.uuid().safeParse(id).success ? await findApiKeyById(deps.db, id) : undefined;
  if (!existing || (by.libraryId && existing.libraryId !== by.libraryId)) throw new NotFound('API key', id);
  const row = await revokeApiKey(deps.db, id, deps.now());
  return view(row!, await symbolsById(deps));
}

export type Authentication = { readonly ok: true; readonly principal: KeyPrincipal } | { readonly ok: false; readonly reason: 'unknown' | 'revoked' };

export async function authenticate(deps: ServiceDeps, presented: string): Promise<Authentication> {
  // Looked up by hash: the lookup time says nothing about how much of a guess was right.
  const row = await findApiKeyByHash(deps.db, hashKey(presented));
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.revokedAt) return { ok: false, reason: 'revoked' };
  await touchApiKey(deps.db, row.id, deps.now(), TOUCH_GRANULARITY_MS);
  return { ok: true, principal: { kind: 'key', keyId: row.id, name: row.name, role: row.role, libraryId: row.libraryId } };
}
