import pino, { type Logger } from 'pino';

/** Structured logs, one JSON line per event; secrets that may pass through are redacted. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'ill-broker' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', '*.password', '*.sharedSecret', '*.apiKey'],
      censor: '[redacted]',
    },
  });
}
