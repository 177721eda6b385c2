/**
 * Authentication of the staff API: an API key (`Authorization: Bearer <key>` or
 * `X-API-Key: <key>`) or, failing that, the session cookie of a signed-in person (with the CSRF
 * rule of csrf.ts). Failed attempts (wrong keys, wrong passwords, wrong setup codes) are counted
 * per client address; past the limit every attempt from that address is refused with 429 until
 * the window ends (a right key or password included, so guessing learns nothing).
 */
import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { authenticate } from '../../services/access/api-keys';
import { authenticateSession, DEFAULT_SESSION_LIFETIMES, type SessionLifetimes } from '../../services/access/sessions';
import type { ServiceDeps } from '../../services/deps';
import { authenticatePatronSession, DEFAULT_PATRON_SESSION_LIFETIMES, type PatronSessionLifetimes } from '../../services/patrons/sessions';
import { Forbidden, TooManyAttempts, Unauthenticated } from '../../services/errors';
import { anonymousRequestAllowed, cookieRequestAllowed } from './csrf';
import { clearPatronCookie, clearSessionCookie, patronTokenOf, sessionTokenOf } from './session-cookie';

export interface AuthFailureLimit {
  /** Failed attempts allowed per client address and window. */
  readonly max: number;
  readonly windowMs: number;
}

export const DEFAULT_AUTH_FAILURE_LIMIT: AuthFailureLimit = { max: 20, windowMs: 15 * 60_000 };

/** What the router puts in front of its routes. */
export interface AccessGate {
  /** A key or a session; sets `res.locals.principal`. */
  readonly authenticate: RequestHandler;
  /** For anonymous routes: the limit and the cross-site rule only. */
  readonly anonymous: RequestHandler;
  /** For patron routes: the patron's session cookie (`ill_patron`); sets `res.locals.patron`. */
  readonly patron: RequestHandler;
  /** Counts one failed authentication of this client. */
  countFailure(req: Request, res: Response): Promise<void>;
}

function presentedKey(authorization: string | undefined, apiKeyHeader: string | undefined): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (bearer) return bearer[1];
  const key = apiKeyHeader?.trim();
  return key ? key : undefined;
}

export function accessGate(deps: ServiceDeps, limit: AuthFailureLimit = DEFAULT_AUTH_FAILURE_LIMIT, lifetimes: SessionLifetimes = DEFAULT_SESSION_LIFETIMES, patronLifetimes: PatronSessionLifetimes = DEFAULT_PATRON_SESSION_LIFETIMES): AccessGate {
  const clientOf = (ip: string | undefined) => ipKeyGenerator(ip ?? 'unknown');
  const tooMany = (resetTime: Date | undefined) => {
    const seconds = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + limit.windowMs) - Date.now()) / 1000));
    return new TooManyAttempts(`too many failed authentications from this address; try again in ${seconds} s`, seconds);
  };
  // Counts failures only: it runs after a refusal, never for a request that authenticated.
  const failures = rateLimit({
    windowMs: limit.windowMs,
    limit: limit.max,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
    standardHeaders: false,
    legacyHeaders: false,
    handler: (req, _res, next) => next(tooMany((req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime)),
  });
  const limited = async (req: Request): Promise<TooManyAttempts | undefined> => {
    const seen = await failures.getKey(clientOf(req.ip));
    return seen && seen.totalHits >= limit.max ? tooMany(seen.resetTime) : undefined;
  };
  const countFailure = (req: Request, res: Response) =>
    new Promise<void>((resolve, reject) => {
      void failures(req, res, (err?: unknown) => (err ? reject(err as Error) : resolve()));
    });

  const authenticateRequest: RequestHandler = async (req, res, next) => {
    const refused = await limited(req);
    if (refused) return next(refused);
    const key = presentedKey(req.get('authorization'), req.get('x-api-key'));
    if (key !== undefined) {
      const result = await authenticate(deps, key);
      if (result.ok) {
        res.locals.principal = result.principal;
        return next();
      }
      const refusal = new Unauthenticated(result.reason === 'revoked' ? 'the API key was revoked' : 'the API key is not valid', true);
      return failures(req, res, () => next(refusal));
    }
    const token = sessionTokenOf(req);
    if (token !== undefined) {
      const result = await authenticateSession(deps, token, lifetimes);
      if (!result.ok) {
        // An ended session is the normal end of a working day, not a guess: not counted.
        clearSessionCookie(req, res);
        return next(new Unauthenticated(result.reason === 'disabled' ? 'this account is disabled' : 'the session has ended; sign in again', false));
      }
      if (!cookieRequestAllowed(req)) return next(new Forbidden('refused: this change came with the session cookie from another site (Sec-Fetch-Site / Origin); use the staff interface, or an API key'));
      res.locals.principal = result.principal;
      return next();
    }
    // Nothing presented guesses nothing (the web app asks GET /session before anyone signs in): not counted.
    return next(new Unauthenticated('send an API key: "Authorization: Bearer <key>" or "X-API-Key: <key>", or sign in (POST /api/v1/session)', false));
  };

  const anonymous: RequestHandler = async (req, _res, next) => {
    const refused = await limited(req);
    if (refused) return next(refused);
    if (!anonymousRequestAllowed(req)) return next(new Forbidden('refused: a sign-in from another site (Sec-Fetch-Site / Origin)'));
    return next();
  };

  // A patron's session reaches the patron routes only; staff keys and sessions are not patrons.
  const patron: RequestHandler = async (req, res, next) => {
    const token = patronTokenOf(req);
    if (token === undefined) return next(new Unauthenticated('sign in with your library card first', false));
    const result = await authenticatePatronSession(deps, token, patronLifetimes);
    if (!result.ok) {
      clearPatronCookie(req, res);
      return next(new Unauthenticated('you were signed out after a while without use; sign in again', false));
    }
    if (!cookieRequestAllowed(req)) return next(new Forbidden('refused: this change came from another site'));
    res.locals.patron = result.patron;
    return next();
  };

  return { authenticate: authenticateRequest, anonymous, patron, countFailure };
}
