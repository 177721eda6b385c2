/**
 * RFC 9457 problem details: the one place where errors become HTTP answers for JSON clients.
 */
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { Conflict, Forbidden, NotFound, TooManyAttempts, Unauthenticated, ValidationFailed } from '../services/errors';
import { asDatabaseUnavailable } from '../store/unavailable';

/** What a 503 tells the caller to wait: a PostgreSQL restart or failover takes seconds. */
export const RETRY_AFTER_SECONDS = 10;

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

// Relative URI references are allowed (RFC 9457 section 3.1.1); they resolve against this server.
const TYPE_BASE = '/problems/';

export function sendProblem(res: Response, status: number, slug: string, title: string, detail?: string, extensions: Record<string, unknown> = {}): void {
  const body: ProblemBody = { type: `${TYPE_BASE}${slug}`, title, status, ...(detail ? { detail } : {}), instance: res.req.originalUrl, ...extensions };
  res.status(status).type('application/problem+json').send(JSON.stringify(body));
}

/** Answers any route nobody claimed. */
export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, 404, 'not-found', 'Not Found', `No route for ${req.method} ${req.path}`);
};

/** Body-parser errors carry `type` and `status`; everything else unknown is a 500. */
interface HttpishError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  limit?: number;
}

export function problemHandler(): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof NotFound) return sendProblem(res, 404, 'not-found', 'Not Found', err.message);
    if (err instanceof Conflict) return sendProblem(res, 409, 'conflict', 'Conflict', err.message, err.current === undefined ? {} : { current: err.current });
    if (err instanceof Forbidden) return sendProblem(res, 403, 'forbidden', 'Forbidden', err.message);
    if (err instanceof ValidationFailed) return sendProblem(res, 400, 'validation', 'Validation failed', err.message, { errors: err.fields });
    if (err instanceof Unauthenticated) {
      // RFC 6750 section 3: a challenge always; error="invalid_token" when a key was sent and refused.
      res.set('WWW-Authenticate', `Bearer realm="ill"${err.presented ? ', error="invalid_token"' : ''}`);
      return sendProblem(res, 401, 'unauthorized', 'Unauthorized', err.message);
    }
    if (err instanceof TooManyAttempts) {
      res.set('Retry-After', String(err.retryAfterSeconds));
      return sendProblem(res, 429, 'too-many-attempts', 'Too Many Requests', err.message);
    }
    const down = asDatabaseUnavailable(err);
    if (down) {
      req.log?.warn({ reason: down.reason }, 'request not handled: the database is unavailable');
      res.set('Retry-After', String(RETRY_AFTER_SECONDS));
      return sendProblem(res, 503, 'unavailable', 'Service Unavailable', 'The database is unavailable; try again shortly');
    }
    const e = (err ?? {}) as HttpishError;
    switch (e.type) {
      case 'entity.too.large':
        return sendProblem(res, 413, 'body-too-large', 'Payload Too Large', `The body is larger than the limit of ${e.limit ?? 'the configured'} bytes`);
      case 'entity.parse.failed':
        return sendProblem(res, 400, 'malformed-json', 'Malformed JSON', 'The body is not valid JSON');
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return sendProblem(res, 415, 'unsupported-encoding', 'Unsupported Media Type', (err as Error).message);
    }
    const status = e.status ?? e.statusCode;
    if (status && status >= 400 && status < 500 && e.expose) {
      return sendProblem(res, status, 'bad-request', 'Bad Request', (err as Error).message);
    }
    req.log?.error({ err }, 'unhandled error');
    return sendProblem(res, 500, 'internal', 'Internal Server Error', 'The server failed to handle this request; it has been logged');
  };
}
