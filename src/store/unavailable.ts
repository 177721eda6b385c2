/**
 * "The database is unavailable": the one classification of the failures that say nothing about
 * the request and everything about the database (it is down, restarting, unreachable, or its
 * connection broke). The translators answer them as temporary (HTTP 503, NCIP Temporary
 * Processing Failure), so a caller retries, and everything else as a failure of its own kind.
 */

/** A use case could not reach the database. Its message is for operators; callers get fixed words. */
export class DatabaseUnavailable extends Error {
  constructor(readonly reason: string, options?: { cause?: unknown }) {
    super(`the database is unavailable: ${reason}`, options);
    this.name = 'DatabaseUnavailable';
  }
}

/** Socket errors of a connection that could not be made or was lost (Node's `code`). */
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/**
 * PostgreSQL SQLSTATEs (Appendix A of its manual): class 08 is "Connection Exception"; 57P01
 * admin_shutdown, 57P02 crash_shutdown and 57P03 cannot_connect_now are a server stopping,
 * crashing or still starting up; 53300 too_many_connections turns a new connection away for now.
 */
const UNAVAILABLE_SQLSTATES: ReadonlySet<string> = new Set(['57P01', '57P02', '57P03', '53300']);
const CONNECTION_EXCEPTION_CLASS = '08';

/** What node-postgres, pg-pool and PGlite say, word for word, when there is no usable connection. */
const DRIVER_MESSAGES: readonly RegExp[] = [
  /^Connection terminated/, // pg: the server went away ("unexpectedly", "due to connection timeout")
  /^timeout exceeded when trying to connect$/, // pg-pool: connectionTimeoutMillis passed
  /is not queryable$/, // pg: a client whose connection already failed
  /^Cannot use a pool after calling end on the pool$/, // pg-pool: the server is shutting down
  /^PGlite is clos(ed|ing)$/, // PGlite: used after close()
];

/**
 * The error as a DatabaseUnavailable when it (or any error it wraps, as Drizzle wraps a driver's
 * error in `cause`) says the database cannot be reached; undefined for every other error.
 */
export function asDatabaseUnavailable(err: unknown): DatabaseUnavailable | undefined {
  if (err instanceof DatabaseUnavailable) return err;
  const reason = unavailableReason(err, 0);
  return reason === undefined ? undefined : new DatabaseUnavailable(reason, { cause: err });
}

function unavailableReason(err: unknown, depth: number): string | undefined {
  if (depth > 8 || typeof err !== 'object' || err === null) return undefined;
  if (err instanceof DatabaseUnavailable) return err.reason;
  const { code, message, cause, errors } = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  const text = typeof message === 'string' ? message : '';
  if (typeof code === 'string') {
    if (CONNECTION_CODES.has(code)) return text || code;
    // A SQLSTATE is five characters; only the database's own errors carry one.
    if (/^[0-9A-Z]{5}$/.test(code) && (code.startsWith(CONNECTION_EXCEPTION_CLASS) || UNAVAILABLE_SQLSTATES.has(code))) return `${text || 'server error'} (SQLSTATE ${code})`;
  }
  if (DRIVER_MESSAGES.some((pattern) => pattern.test(text))) return text;
  // Node reports a refused connection to every address of a name (IPv4 and IPv6) as an AggregateError.
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const reason = unavailableReason(inner, depth + 1);
      if (reason !== undefined) return reason;
    }
  }
  return unavailableReason(cause, depth + 1);
}
