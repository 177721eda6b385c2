/**
 * API key authentication: `Authorization: Bearer <key>` or `X-API-Key: <key>`. Failed attempts
 * are counted per client address; past the limit every attempt from that address is refused
 * with 429 until the window ends (a right key included, so guessing learns nothing).
 */
import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { authenticate } from '../../services/access/api-keys';
import type { ServiceDeps } from '../../services/deps';
import { TooManyAttempts, Unauthenticated } from '../../services/errors';

export interface AuthFailureLimit {
  /** Failed attempts allowed per client address and window. */
  readonly max: number;
  readonly windowMs: number;
}

export const DEFAULT_AUTH_FAILURE_LIMIT: AuthFailureLimit = { max: 20, windowMs: 15 * 60_000 };

function presentedKey(authorization: string | undefined, apiKeyHeader: string | undefined): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (bearer) return bearer[1];
  const key = apiKeyHeader?.trim();
  return key ? key : undefined;
}

export function authenticator(deps: ServiceDeps, limit: AuthFailureLimit = DEFAULT_AUTH_FAILURE_LIMIT): RequestHandler {
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

  return async (req, res, next) => {
    const client = clientOf(req.ip);
    const seen = await failures.getKey(client);
    if (seen && seen.totalHits >= limit.max) return next(tooMany(seen.resetTime));
    const key = presentedKey(req.get('authorization'), req.get('x-api-key'));
    const result = key === undefined ? undefined : await authenticate(deps, key);
    if (result?.ok) {
      res.locals.principal = result.principal;
      return next();
    }
    const refusal =
      result === undefined
        ? new Unauthenticated('send an API key: "Authorization: Bearer <key>" or "X-API-Key: <key>"', false)
        : new Unauthenticated(result.reason === 'revoked' ? 'the API key was revoked' : 'the API key is not valid', true);
    await failures(req, res, () => next(refusal));
  };
}
