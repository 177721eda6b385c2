/**
 * Cross-site request forgery: a browser sends the session cookie with any request to us, so an
 * unsafe method authenticated by the cookie must come from our own pages. Browsers say where a
 * request comes from in `Sec-Fetch-Site` (Fetch Metadata); older ones only in `Origin`. A key
 * is sent by a program, never attached by a browser, so requests with one are not checked.
 */
import type { Request } from 'express';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function ownOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? ''}`;
}

/** For cookie-authenticated requests: an unsafe method passes only from the same origin, positively said. */
export function cookieRequestAllowed(req: Request): boolean {
  if (SAFE.has(req.method)) return true;
  const site = req.get('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin';
  const origin = req.get('origin');
  return origin !== undefined && origin === ownOrigin(req);
}

/**
 * For signing in and setup (no cookie yet): a browser request from another site is refused, so
 * no page can sign a visitor in as someone else; programs, which send neither header, may.
 */
export function anonymousRequestAllowed(req: Request): boolean {
  if (SAFE.has(req.method)) return true;
  const site = req.get('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin' || site === 'none';
  const origin = req.get('origin');
  return origin === undefined || origin === ownOrigin(req);
}
