/**
 * The session cookie: `ill_session`, HttpOnly (no script reads it), SameSite=Lax (not sent on
 * cross-site subrequests), Path=/, Secure when the request came over HTTPS (directly or through
 * a proxy on loopback, which Express trusts for X-Forwarded-Proto).
 */
import { parseCookie, stringifySetCookie } from 'cookie';
import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'ill_session';

/**
 * The patron's cookie, `ill_patron`: apart from the staff cookie, so that a patron signing in at
 * a staff desk's browser does not end (or borrow) the staff session, and the other way round.
 */
export const PATRON_COOKIE = 'ill_patron';

type CookieName = typeof SESSION_COOKIE | typeof PATRON_COOKIE;

function tokenOf(req: Request, name: CookieName): string | undefined {
  const header = req.get('cookie');
  if (!header) return undefined;
  const token = parseCookie(header)[name];
  return token ? token : undefined;
}

/** Lives as long as the session's absolute expiry (the server ends it sooner when idle); an empty token at the epoch clears it. */
function setCookie(req: Request, res: Response, name: CookieName, token: string, expiresAt: Date): void {
  res.append('Set-Cookie', stringifySetCookie(name, token, { httpOnly: true, sameSite: 'lax', path: '/', secure: req.secure, expires: expiresAt }));
}

export const sessionTokenOf = (req: Request): string | undefined => tokenOf(req, SESSION_COOKIE);
export const setSessionCookie = (req: Request, res: Response, token: string, expiresAt: Date): void => setCookie(req, res, SESSION_COOKIE, token, expiresAt);
export const clearSessionCookie = (req: Request, res: Response): void => setCookie(req, res, SESSION_COOKIE, '', new Date(0));

export const patronTokenOf = (req: Request): string | undefined => tokenOf(req, PATRON_COOKIE);
export const setPatronCookie = (req: Request, res: Response, token: string, expiresAt: Date): void => setCookie(req, res, PATRON_COOKIE, token, expiresAt);
export const clearPatronCookie = (req: Request, res: Response): void => setCookie(req, res, PATRON_COOKIE, '', new Date(0));
