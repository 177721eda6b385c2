import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Structured logs, one JSON line per event. Secrets must not reach them: request headers are
 * logged from a safe list only (a partner's custom header may be its API key, and we cannot know
 * which header names each partner uses), and the usual secret-bearing fields are redacted.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'ill-broker' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', '*.password', '*.sharedSecret', '*.apiKey', '*.securityCode'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Request headers worth a log line and never a credential. */
export const LOGGED_REQUEST_HEADERS = ['host', 'user-agent', 'content-type', 'content-length', 'accept', 'x-request-id', 'x-forwarded-for', 'x-forwarded-proto'] as const;

/** pino-http's serialized request with only the headers of the safe list. */
export function safeRequest<T extends { headers?: Record<string, unknown> }>(req: T): T {
  const headers = req.headers ?? {};
  return { ...req, headers: Object.fromEntries(LOGGED_REQUEST_HEADERS.filter((name) => headers[name] !== undefined).map((name) => [name, headers[name]])) };
}
