/**
 * RFC 9457 problem details: the one place where errors become HTTP answers for JSON clients.
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { Conflict, Forbidden, NotFound, ServiceUnavailable, TooManyAttempts, Unauthenticated, ValidationFailed, type ProblemCode } from '../services/errors';
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

/** What an error is as a problem: its status, body and the headers that go with it. */
export interface Problem {
  readonly status: number;
  readonly body: ProblemBody;
  readonly headers: Readonly<Record<string, string>>;
}

export function problemFor(err: unknown, req: Request): Problem {
  const headers: Record<string, string> = {};
  const problem = (status: number, slug: string, title: string, detail?: string, extensions: Record<string, unknown> = {}): Problem => ({
    status,
    body: { type: `${TYPE_BASE}${slug}`, title, status, ...(detail ? { detail } : {}), instance: req.originalUrl, ...extensions },
    headers,
  });
  const coded = (code: ProblemCode | undefined) => (code === undefined ? {} : { code });
  if (err instanceof NotFound) return problem(404, 'not-found', 'Not Found', err.message);
  if (err instanceof Conflict) return problem(409, 'conflict', 'Conflict', err.message, { ...(err.current === undefined ? {} : { current: err.current }), ...coded(err.code) });
  if (err instanceof Forbidden) return problem(403, 'forbidden', 'Forbidden', err.message, coded(err.code));
  if (err instanceof ValidationFailed) return problem(400, 'validation', 'Validation failed', err.message, { errors: err.fields, ...coded(err.code) });
  if (err instanceof Unauthenticated) {
    // RFC 6750 section 3: a challenge always; error="invalid_token" when a key was sent and refused.
    headers['WWW-Authenticate'] = `Bearer realm="ill"${err.presented ? ', error="invalid_token"' : ''}`;
    return problem(401, 'unauthorized', 'Unauthorized', err.message, coded(err.code));
  }
  if (err instanceof TooManyAttempts) {
    headers['Retry-After'] = String(err.retryAfterSeconds);
    return problem(429, 'too-many-attempts', 'Too Many Requests', err.message, coded(err.code));
  }
  if (err instanceof ServiceUnavailable) {
    headers['Retry-After'] = String(err.retryAfterSeconds);
    return problem(503, 'unavailable', 'Service Unavailable', err.message, coded(err.code));
  }
  const down = asDatabaseUnavailable(err);
  if (down) {
    req.log?.warn({ reason: down.reason }, 'request not handled: the database is unavailable');
    headers['Retry-After'] = String(RETRY_AFTER_SECONDS);
    return problem(503, 'unavailable', 'Service Unavailable', 'The database is unavailable; try again shortly');
  }
  const e = (err ?? {}) as HttpishError;
  switch (e.type) {
    case 'entity.too.large':
      return problem(413, 'body-too-large', 'Payload Too Large', `The body is larger than the limit of ${e.limit ?? 'the configured'} bytes`);
    case 'entity.parse.failed':
      return problem(400, 'malformed-json', 'Malformed JSON', 'The body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return problem(415, 'unsupported-encoding', 'Unsupported Media Type', (err as Error).message);
  }
  const status = e.status ?? e.statusCode;
  if (status && status >= 400 && status < 500 && e.expose) return problem(status, 'bad-request', 'Bad Request', (err as Error).message);
  req.log?.error({ err }, 'unhandled error');
  return problem(500, 'internal', 'Internal Server Error', 'The server failed to handle this request; it has been logged');
}

export function problemHandler(): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    const { status, body, headers } = problemFor(err, req);
    res.set(headers).status(status).type('application/problem+json').send(JSON.stringify(body));
  };
}
