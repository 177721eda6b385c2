/**
 * The session cookie: `ill_session`, HttpOnly (no script reads it), SameSite=Lax (not sent on
 * cross-site subrequests), Path=/, Secure when the request came over HTTPS (directly or through
 * a proxy on loopback, which Express trusts for X-Forwarded-Proto).
 */
import { parseCookie, stringifySetCookie } from 'cookie';
import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'ill_session';

export function sessionTokenOf(req: Request): string | undefined {
  const header = req.get('cookie');
  if (!header) return undefined;
  const token = parseCookie(header)[SESSION_COOKIE];
  return token ? token : undefined;
}

/** Lives as long as the session's absolute expiry; the server ends it sooner when idle. */
export function setSessionCookie(req: Request, res: Response, token: string, expiresAt: Date): void {
  res.append('Set-Cookie', stringifySetCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/', secure: req.secure, expires: expiresAt }));
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.append('Set-Cookie', stringifySetCookie(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', path: '/', secure: req.secure, expires: new Date(0) }));
}

/**
 * The patron's cookie, `ill_patron`: apart from the staff cookie, so that a patron signing in at
 * a staff desk's browser does not end (or borrow) the staff session, and the other way round.
 */
export const PATRON_COOKIE = 'ill_patron';

export function patronTokenOf(req: Request): string | undefined {
  const header = req.get('cookie');
  if (!header) return undefined;
  const token = parseCookie(header)[PATRON_COOKIE];
  return token ? token : undefined;
}

export function setPatronCookie(req: Request, res: Response, token: string, expiresAt: Date): void {
  res.append('Set-Cookie', stringifySetCookie(PATRON_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/', secure: req.secure, expires: expiresAt }));
}

export function clearPatronCookie(req: Request, res: Response): void {
  res.append('Set-Cookie', stringifySetCookie(PATRON_COOKIE, '', { httpOnly: true, sameSite: 'lax', path: '/', secure: req.secure, expires: new Date(0) }));
}
