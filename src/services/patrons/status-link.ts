/**
 * Signed status links: the link in every patron mail that opens that one request's status
 * without signing in. The token names the request, the patron and an expiry, and carries an
 * HMAC-SHA256 over them with a key only this server knows (`server_keys`, name `status-link`,
 * 32 random bytes made on first use), so it cannot be made up or changed, needs no table of
 * its own, and stops working when it expires. It lets its holder read that request and nothing
 * else: no actions, no other request, no session.
 *
 * token = base64url(JSON {r: requestId, p: patron, e: expiry, epoch seconds}) "." base64url(HMAC)
 *
 * `p` is not the patron id but a keyed digest of it: a URL ends up in access logs, browser
 * histories and forwarded mail, and the id is often the card number (or, after a link sign-in,
 * the e-mail address). The digest still ties the link to the patron the request has now.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../store/db';
import type { LibraryRow } from '../../store/libraries';
import { getRequest, type RequestRow } from '../../store/requests';
import { serverKey } from '../../store/server-keys';
import type { ServiceDeps } from '../deps';
import { Unauthenticated } from '../errors';
import type { LifecycleDeps } from '../pipeline/pipeline';
import { patronRequestViews } from './requests';
import type { PatronRequestView } from './request-view';
import { patronSettingsOf, type PatronLanguage } from './settings';

export const STATUS_LINK_KEY = 'status-link';

const DAY_MS = 24 * 3600 * 1000;

interface Claims {
  readonly r: string;
  readonly p: string;
  readonly e: number;
}

// Read once per database: the key never changes once made.
const keys = new WeakMap<Db, Promise<Buffer>>();

function keyOf(deps: Pick<ServiceDeps, 'db' | 'now'>): Promise<Buffer> {
  let key = keys.get(deps.db);
  if (!key) {
    key = serverKey(deps.db, STATUS_LINK_KEY, () => randomBytes(32).toString('base64url'), deps.now()).then((secret) => Buffer.from(secret, 'base64url'));
    // A failed read (the database away) is not remembered: the next mail tries again.
    key.catch(() => keys.delete(deps.db));
    keys.set(deps.db, key);
  }
  return key;
}

const mac = (key: Buffer, payload: string): Buffer => createHmac('sha256', key).update(payload).digest();

/** The patron as the token names them: 128 bits of a keyed digest, not guessable from a card number without the key. */
const patronDigest = (key: Buffer, patronId: string): string => mac(key, `patron\u0000${patronId}`).subarray(0, 16).toString('base64url');

/** A token for the patron's request, valid `days` from now. */
export async function signStatusLink(deps: Pick<ServiceDeps, 'db' | 'now'>, link: { readonly requestId: string; readonly patronId: string; readonly days: number }): Promise<{ token: string; expiresAt: Date }> {
  const key = await keyOf(deps);
  const expiresAt = new Date(deps.now().getTime() + link.days * DAY_MS);
  const claims: Claims = { r: link.requestId, p: patronDigest(key, link.patronId), e: Math.floor(expiresAt.getTime() / 1000) };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return { token: `${payload}.${mac(key, payload).toString('base64url')}`, expiresAt: new Date(claims.e * 1000) };
}

export type StatusLinkCheck =
  | { readonly ok: true; readonly requestId: string; readonly expiresAt: Date; isFor(patronId: string | undefined): boolean }
  /** invalid: not one of ours, or changed; expired: ours, but past its expiry. */
  | { readonly ok: false; readonly reason: 'invalid' | 'expired' };

/** Whether the token is one this server signed, unchanged and not expired, and what it is for. */
export async function checkStatusLink(deps: Pick<ServiceDeps, 'db' | 'now'>, token: string): Promise<StatusLinkCheck> {
  const invalid = { ok: false, reason: 'invalid' } as const;
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || !signature || rest.length > 0) return invalid;
  const key = await keyOf(deps);
  // Compared as the text we issued, not as decoded bytes: base64url decoding ignores the last
  // character's spare bits, so a changed last character can decode to the same bytes, and a
  // link that is not the one we sent must not open. Constant time: how much of a guess matches
  // must not show in how long the answer takes.
  const given = Buffer.from(signature);
  const expected = Buffer.from(mac(key, payload).toString('base64url'));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return invalid;
  const claims = claimsOf(payload);
  if (!claims) return invalid;
  if (claims.e * 1000 <= deps.now().getTime()) return { ok: false, reason: 'expired' };
  const patron = Buffer.from(claims.p);
  const isFor = (patronId: string | undefined) => {
    if (patronId === undefined) return false;
    const digest = Buffer.from(patronDigest(key, patronId));
    return digest.length === patron.length && timingSafeEqual(digest, patron);
  };
  return { ok: true, requestId: claims.r, expiresAt: new Date(claims.e * 1000), isFor };
}

function claimsOf(payload: string): Claims | undefined {
  try {
    const value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<Claims> | null;
    if (typeof value?.r !== 'string' || typeof value.p !== 'string' || typeof value.e !== 'number' || !Number.isFinite(value.e)) return undefined;
    return { r: value.r, p: value.p, e: value.e };
  } catch {
    return undefined;
  }
}

/** The page a status link opens (the web app's `/status/{token}`), under the server's public address. */
export function statusUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/status/${token}`;
}

/**
 * The status link for a patron notice of this request (`statusUrl`), valid for the library's
 * statusLinkDays; none for a request without a patron id (erased) or without a public address.
 */
export async function statusLinkFor(deps: Pick<ServiceDeps, 'db' | 'now'>, request: RequestRow, library: LibraryRow | undefined, publicUrl: string | undefined): Promise<string | undefined> {
  const patronId = request.data.patron?.id;
  if (!library || !publicUrl || !patronId || request.role !== 'requester') return undefined;
  const { token } = await signStatusLink(deps, { requestId: request.id, patronId, days: patronSettingsOf(library).statusLinkDays });
  return statusUrl(publicUrl, token);
}

export interface StatusPage {
  readonly library: { readonly symbol: string; readonly name: string; readonly language: PatronLanguage };
  /** The request, without actions: the link only reads. */
  readonly request: PatronRequestView;
}

/** What a status link opens. A link for a request that is gone, or no longer the patron's (their details erased), is invalid. */
export async function statusPageOf(deps: LifecycleDeps, token: string): Promise<StatusPage> {
  const checked = await checkStatusLink(deps, token);
  if (!checked.ok) {
    throw checked.reason === 'expired'
      ? new Unauthenticated('this status link has expired; sign in to follow your request', false, 'link_expired')
      : new Unauthenticated('this status link is not valid', false, 'link_invalid');
  }
  const request = await getRequest(deps.db, checked.requestId);
  const library = request?.libraryId ? await deps.directory.libraryById(request.libraryId) : undefined;
  if (!request || !library || request.role !== 'requester' || !checked.isFor(request.data.patron?.id)) {
    throw new Unauthenticated('this status link is not valid', false, 'link_invalid');
  }
  const [view] = await patronRequestViews(deps, library, [request], false);
  return { library: { symbol: library.symbol, name: library.name, language: patronSettingsOf(library).language }, request: view! };
}
