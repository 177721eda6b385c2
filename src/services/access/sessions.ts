/**
 * Sessions of signed-in people. The cookie carries 256 random bits; the table keeps their
 * SHA-256 only, so a copy of the database signs nobody in. A session ends at whichever comes
 * first: its idle expiry (moved on by use, written at most once a minute) or its absolute one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { mailSettingsOf } from '../../notify/settings';
import { findLibraryById } from '../../store/libraries';
import { deleteExpiredSessions, deleteSessionsOfUser, deleteStaffSession, findSessionByTokenHash, findStaffSessionById, insertStaffSession, touchStaffSession, type StaffSessionRow } from '../../store/staff-sessions';
import { findStaffUserById, findStaffUserByUsername, updateStaffUser, type StaffUserRow } from '../../store/staff-users';
import type { ServiceDeps } from '../deps';
import { Forbidden, ValidationFailed } from '../errors';
import type { PersonPrincipal } from './api-keys';
import { decoyHash, hashPassword, needsRehash, passwordSchema, verifyPassword } from './passwords';
import { librarySymbolsById, staffUserView, type StaffUserView } from './staff-users';

export interface SessionLifetimes {
  /** A session unused this long ends. */
  readonly idleMs: number;
  /** A session ends this long after sign-in, however busy. */
  readonly absoluteMs: number;
}

export const DEFAULT_SESSION_LIFETIMES: SessionLifetimes = { idleMs: 8 * 3600_000, absoluteMs: 7 * 24 * 3600_000 };

/** The idle expiry is written at most this often per session, so a busy page does not write on every call. */
const TOUCH_GRANULARITY_MS = 60_000;

export const signInSchema = z.object({ username: z.string().trim().toLowerCase().min(1).max(200), password: z.string().min(1).max(1024) }).strict();
export const passwordChangeSchema = z.object({ currentPassword: z.string().min(1).max(1024), newPassword: passwordSchema }).strict();

export interface SessionView {
  readonly user: StaffUserView;
  readonly expiresAt: Date;
  readonly idleExpiresAt: Date;
  /** The user's library's time zone, when its settings name one. */
  readonly timeZone: string | null;
}

/** What the cookie carries, and what the route needs to set it. */
export interface OpenedSession {
  readonly token: string;
  readonly view: SessionView;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

async function timeZoneOf(deps: ServiceDeps, libraryId: string | null): Promise<string | null> {
  if (!libraryId) return null;
  const library = await findLibraryById(deps.db, libraryId);
  const raw = (library?.settings.mail as { timeZone?: unknown } | undefined)?.timeZone;
  const mail = mailSettingsOf(library?.settings);
  return typeof raw === 'string' && mail.ok ? mail.value.timeZone : null;
}

async function sessionView(deps: ServiceDeps, user: StaffUserRow, session: Pick<StaffSessionRow, 'expiresAt' | 'idleExpiresAt'>): Promise<SessionView> {
  return { user: staffUserView(user, await librarySymbolsById(deps)), expiresAt: session.expiresAt, idleExpiresAt: session.idleExpiresAt, timeZone: await timeZoneOf(deps, user.libraryId) };
}

/** Starts a session for a user whose password was just checked (sign-in, first-run setup). */
export async function openSession(deps: ServiceDeps, user: StaffUserRow, lifetimes: SessionLifetimes): Promise<OpenedSession> {
  const now = deps.now();
  const token = randomBytes(32).toString('base64url');
  await deleteExpiredSessions(deps.db, now);
  const expiresAt = new Date(now.getTime() + lifetimes.absoluteMs);
  const session = await insertStaffSession(deps.db, {
    id: deps.newId(),
    tokenHash: hashToken(token),
    userId: user.id,
    createdAt: now,
    lastSeenAt: now,
    idleExpiresAt: new Date(Math.min(now.getTime() + lifetimes.idleMs, expiresAt.getTime())),
    expiresAt,
  });
  const signedIn = (await updateStaffUser(deps.db, user.id, { lastSignInAt: now }, now)) ?? user;
  return { token, view: await sessionView(deps, signedIn, session) };
}

/**
 * Checks a username and password. Unknown, wrong and disabled all come back as undefined,
 * after the same amount of hashing, so the answer tells nothing about which it was.
 */
export async function checkCredentials(deps: ServiceDeps, username: string, password: string): Promise<StaffUserRow | undefined> {
  const user = await findStaffUserByUsername(deps.db, username.trim().toLowerCase());
  const matches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
  if (!user || !matches || user.disabled) return undefined;
  if (needsRehash(user.passwordHash)) return (await updateStaffUser(deps.db, user.id, { passwordHash: await hashPassword(password) }, deps.now())) ?? user;
  return user;
}

export type SessionAuthentication = { readonly ok: true; readonly principal: PersonPrincipal } | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'disabled' };

/** The person behind a session token; moves the idle expiry on. An expired session is deleted when met. */
export async function authenticateSession(deps: ServiceDeps, token: string, lifetimes: SessionLifetimes): Promise<SessionAuthentication> {
  const found = await findSessionByTokenHash(deps.db, hashToken(token));
  if (!found) return { ok: false, reason: 'unknown' };
  const { session, user } = found;
  const now = deps.now();
  if (session.idleExpiresAt <= now || session.expiresAt <= now) {
    await deleteStaffSession(deps.db, session.id);
    return { ok: false, reason: 'expired' };
  }
  if (user.disabled) return { ok: false, reason: 'disabled' };
  const idleExpiresAt = new Date(Math.min(now.getTime() + lifetimes.idleMs, session.expiresAt.getTime()));
  await touchStaffSession(deps.db, session.id, now, idleExpiresAt, TOUCH_GRANULARITY_MS);
  return {
    ok: true,
    principal: { kind: 'user', userId: user.id, sessionId: session.id, name: user.displayName, role: user.role, libraryId: user.libraryId, ...(user.mustChangePassword ? { mustChangePassword: true } : {}) },
  };
}

/** The session as the web app sees it (GET /session). */
export async function currentSession(deps: ServiceDeps, principal: PersonPrincipal): Promise<SessionView> {
  const found = await findSessionById(deps, principal);
  return sessionView(deps, found.user, found.session);
}

async function findSessionById(deps: ServiceDeps, principal: PersonPrincipal): Promise<{ session: StaffSessionRow; user: StaffUserRow }> {
  const session = await findStaffSessionById(deps.db, principal.sessionId);
  const user = await findStaffUserById(deps.db, principal.userId);
  if (!session || !user) throw new Forbidden('the session has ended');
  return { session, user };
}

export async function signOut(deps: ServiceDeps, principal: PersonPrincipal): Promise<void> {
  await deleteStaffSession(deps.db, principal.sessionId);
}

export async function signOutEverywhere(deps: ServiceDeps, principal: PersonPrincipal): Promise<void> {
  await deleteSessionsOfUser(deps.db, principal.userId);
}

/** The user's own change: the current password is checked again, other sessions end, this one goes on. */
export async function changeOwnPassword(deps: ServiceDeps, principal: PersonPrincipal, input: z.output<typeof passwordChangeSchema>): Promise<void> {
  const user = await findStaffUserById(deps.db, principal.userId);
  if (!user || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
    throw new ValidationFailed([{ path: 'currentPassword', message: 'is not the current password' }]);
  }
  const passwordHash = await hashPassword(input.newPassword);
  await deps.db.transaction(async (tx) => {
    await updateStaffUser(tx, user.id, { passwordHash, mustChangePassword: false }, deps.now());
    await deleteSessionsOfUser(tx, user.id, principal.sessionId);
  });
}
