/**
 * Sessions of signed-in patrons, apart from staff sessions: their own table and cookie
 * (`ill_patron`), and short lifetimes (a patron at a shared catalogue PC walks away). A patron
 * session reaches only the patron routes, and only that patron's requests at that library.
 */
import { randomBytes } from 'node:crypto';
import { deleteExpiredPatronSessions, deletePatronSession, findPatronSessionByTokenHash, insertPatronSession, touchPatronSession } from '../../store/patron-sessions';
import { hashToken } from '../access/sessions';
import type { ServiceDeps } from '../deps';

export interface PatronSessionLifetimes {
  /** A session unused this long ends. */
  readonly idleMs: number;
  /** A session ends this long after sign-in, however busy. */
  readonly absoluteMs: number;
}

export const DEFAULT_PATRON_SESSION_LIFETIMES: PatronSessionLifetimes = { idleMs: 20 * 60_000, absoluteMs: 2 * 3600_000 };

const TOUCH_GRANULARITY_MS = 60_000;

/** What the ILS (or the sign-in link) told about the patron at sign-in. */
export interface PatronDetails {
  readonly name?: string;
  readonly email?: string;
  /** The ILS said the patron may not borrow: its reasons, in its words (empty: not blocked). */
  readonly blockReasons?: readonly string[];
}

/** A signed-in patron: one library, one patron id there. */
export interface PatronPrincipal {
  readonly kind: 'patron';
  readonly sessionId: string;
  readonly libraryId: string;
  readonly patronId: string;
  readonly method: 'ils' | 'email';
  readonly details: PatronDetails;
  readonly expiresAt: Date;
  readonly idleExpiresAt: Date;
}

/**
 * What the timeline records as the cause of a patron's change: `patron`, the request's own
 * patron, without their id. The timeline is append-only, so an id there (a card number, or the
 * e-mail address of a link sign-in) could never be erased with the patron's other details.
 */
export const PATRON_ACTOR = 'patron';

export interface OpenedPatronSession {
  readonly token: string;
  readonly patron: PatronPrincipal;
}

/** Starts a session for a patron whose card (or sign-in link) was just checked. */
export async function openPatronSession(
  deps: ServiceDeps,
  who: { readonly libraryId: string; readonly patronId: string; readonly method: 'ils' | 'email'; readonly details: PatronDetails },
  lifetimes: PatronSessionLifetimes = DEFAULT_PATRON_SESSION_LIFETIMES,
): Promise<OpenedPatronSession> {
  const now = deps.now();
  const token = randomBytes(32).toString('base64url');
  await deleteExpiredPatronSessions(deps.db, now);
  const expiresAt = new Date(now.getTime() + lifetimes.absoluteMs);
  const row = await insertPatronSession(deps.db, {
    id: deps.newId(),
    tokenHash: hashToken(token),
    libraryId: who.libraryId,
    patronId: who.patronId,
    method: who.method,
    details: { ...who.details },
    createdAt: now,
    lastSeenAt: now,
    idleExpiresAt: new Date(Math.min(now.getTime() + lifetimes.idleMs, expiresAt.getTime())),
    expiresAt,
  });
  return { token, patron: principalOf(row) };
}

function principalOf(row: Awaited<ReturnType<typeof insertPatronSession>>): PatronPrincipal {
  return {
    kind: 'patron',
    sessionId: row.id,
    libraryId: row.libraryId,
    patronId: row.patronId,
    method: row.method,
    details: row.details as PatronDetails,
    expiresAt: row.expiresAt,
    idleExpiresAt: row.idleExpiresAt,
  };
}

export type PatronSessionAuthentication = { readonly ok: true; readonly patron: PatronPrincipal } | { readonly ok: false; readonly reason: 'unknown' | 'expired' };

/** The patron behind a session token; moves the idle expiry on. An expired session is deleted when met. */
export async function authenticatePatronSession(deps: ServiceDeps, token: string, lifetimes: PatronSessionLifetimes = DEFAULT_PATRON_SESSION_LIFETIMES): Promise<PatronSessionAuthentication> {
  const row = await findPatronSessionByTokenHash(deps.db, hashToken(token));
  if (!row) return { ok: false, reason: 'unknown' };
  const now = deps.now();
  if (row.idleExpiresAt <= now || row.expiresAt <= now) {
    await deletePatronSession(deps.db, row.id);
    return { ok: false, reason: 'expired' };
  }
  const idleExpiresAt = new Date(Math.min(now.getTime() + lifetimes.idleMs, row.expiresAt.getTime()));
  await touchPatronSession(deps.db, row.id, now, idleExpiresAt, TOUCH_GRANULARITY_MS);
  return { ok: true, patron: { ...principalOf(row), idleExpiresAt } };
}

export async function signOutPatron(deps: ServiceDeps, patron: PatronPrincipal): Promise<void> {
  await deletePatronSession(deps.db, patron.sessionId);
}
