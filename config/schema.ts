/**
 * The one typed configuration object. Defaults are the embedded mode: PGlite under DATA_DIR,
 * a private redis-server, mail written to files. Every key can come from the optional config
 * file or from the environment variable named in ENV_KEYS (environment wins).
 */
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const urlWithProtocols = (protocols: readonly string[], example: string) =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')} (e.g. ${example})`);

const byteSize = z
  .union([z.number().int().positive(), z.string().trim().regex(/^\d+\s*(b|kb|mb)?$/i, 'must be a byte count such as 1048576, 512kb or 1mb')])
  .transform((value) => (typeof value === 'number' ? value : toBytes(value)));

function toBytes(text: string): number {
  const match = /^(\d+)\s*(b|kb|mb)?$/i.exec(text)!;
  const unit = (match[2] ?? 'b').toLowerCase();
  return Number(match[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
}

const port = z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be between 1 and 65535').max(65535, 'must be between 1 and 65535');
const positiveMs = z.coerce.number({ error: 'must be a number of milliseconds' }).int().positive('must be a positive number of milliseconds');

export const configSchema = z.object({
  port: port.default(3000),
  host: z.string().trim().min(1).default('127.0.0.1'),
  /** Base URL partners use to reach this server (ISO 18626 endpoint, links in e-mail). */
  publicUrl: urlWithProtocols(['http:', 'https:'], 'https://ill.example.org').optional(),
  dataDir: z.string().trim().min(1, 'must not be empty').default('./data'),
  /** PostgreSQL server; without it the embedded PGlite database under DATA_DIR is used. */
  databaseUrl: urlWithProtocols(['postgres:', 'postgresql:'], 'postgres://user:pass@localhost:5432/ill').optional(),
  /** Redis server; without it a private redis-server is started under DATA_DIR/redis. */
  redisUrl: urlWithProtocols(['redis:', 'rediss:'], 'redis://localhost:6379').optional(),
  redisServerBin: z.string().trim().min(1).default('redis-server'),
  /** SMTP server for patron mail; without it mail is written as .eml files under DATA_DIR/mail. */
  smtpUrl: urlWithProtocols(['smtp:', 'smtps:'], 'smtp://user:pass@mail.example.org:587').optional(),
  /** Sender of patron mail when a library's settings name none. */
  mailFrom: z.email('must be an e-mail address such as ill@library.example.org').default('ill@localhost'),
  /** Loans due within this many days get a due-soon reminder from the daily sweep. */
  dueSoonDays: z.coerce.number({ error: 'must be a number of days' }).int('must be a whole number of days').min(0).max(60).default(3),
  /** Hour of the day (server local time, 0-23) at which the due-soon and overdue sweep runs. */
  noticesSweepHour: z.coerce.number({ error: 'must be an hour from 0 to 23' }).int('must be an hour from 0 to 23').min(0, 'must be an hour from 0 to 23').max(23, 'must be an hour from 0 to 23').default(7),
  logLevel: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  /** Largest accepted request body (XML or JSON). */
  bodyLimit: byteSize.default(1024 * 1024),
  /** Where the queue workers run: inside the server process, or only in `npm run workers`. */
  workers: z.enum(['inprocess', 'separate'], { error: 'must be "inprocess" or "separate"' }).default('inprocess'),
  workerConcurrency: z.coerce.number({ error: 'must be a number' }).int().min(1).max(64).default(16),
  /** How often the outbox relay looks for committed rows when not woken explicitly. */
  relayIntervalMs: positiveMs.default(500),
  /** How often the outbox sweeper looks for queued rows whose job Redis lost or failed without settling them. */
  outboxSweepIntervalMs: positiveMs.default(30_000),
  /** A queued row is looked up in Redis by the sweeper once it has been queued this long. */
  outboxStaleAfterMs: positiveMs.default(60_000),
  /** Longest a Redis command of the relay, the sweeper or readiness may take; workers wait through an outage instead. */
  redisCommandTimeoutMs: positiveMs.default(5_000),
  /** Longest a graceful shutdown waits for running jobs and open requests. */
  shutdownTimeoutMs: positiveMs.default(30_000),
  /** JSON or YAML file with member libraries and partners, loaded (upserted by symbol) at start. */
  directoryFile: z.string().trim().min(1).optional(),
  /** JSON or YAML file with the server's catalogue sources, for member libraries that name none of their own. */
  catalogueFile: z.string().trim().min(1).optional(),
  /** How the rota of a new borrowing request is ordered (a library's settings may choose another). */
  routingStrategy: z.enum(['as_given', 'load_balance', 'reciprocal_first', 'performance'], { error: 'must be as_given, load_balance, reciprocal_first or performance' }).default('as_given'),
  /** How far back open requests count towards a supplier's load. */
  loadWindowDays: z.coerce.number({ error: 'must be a number of days' }).int().min(1).max(365).default(30),
  /** How long a supplier has to answer a request before the rota moves on (3 days). */
  supplierAnswerTimeoutMs: positiveMs.default(3 * 24 * 3600 * 1000),
  /** Timeout of one ISO 18626 POST to a partner (mod-rs uses 30 s). */
  deliveryTimeoutMs: positiveMs.default(30_000),
  /** First retry delay of a failed delivery; it doubles (with jitter) up to an hour. */
  deliveryRetryMs: positiveMs.default(5_000),
  /** Tries before a delivery gives up and the request needs attention (about a day with the defaults). */
  deliveryAttempts: z.coerce.number({ error: 'must be a number' }).int().min(1).max(100).default(30),
  /** A delivery still failing after this long puts its request in front of staff while the retries go on. */
  deliveryAttentionAfterMs: positiveMs.default(15 * 60_000),
  /** A staff session unused this long ends (8 hours: a working day). */
  sessionIdleMs: positiveMs.default(8 * 3600_000),
  /** A staff session ends this long after sign-in, however busy (7 days). */
  sessionMaxMs: positiveMs.default(7 * 24 * 3600_000),
  /** A patron's session unused this long ends (20 minutes: a patron at a shared catalogue PC walks away). */
  patronSessionIdleMs: positiveMs.default(20 * 60_000),
  /** A patron's session ends this long after sign-in, however busy (2 hours). */
  patronSessionMaxMs: positiveMs.default(2 * 3600_000),
  /** GET /metrics (Prometheus): on, or off to serve none. */
  metrics: z.enum(['on', 'off'], { error: 'must be "on" or "off"' }).default('on'),
  /** Bearer token a scrape of /metrics must send; required when HOST is not a loopback address (unless METRICS=off). */
  metricsToken: z.string().trim().min(16, 'must be at least 16 characters (e.g. from openssl rand -hex 32)').optional(),
});

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

/** Environment variable for each key (documented in the README's config table). */
export const ENV_KEYS: Readonly<Record<keyof Config, string>> = {
  port: 'PORT',
  host: 'HOST',
  publicUrl: 'PUBLIC_URL',
  dataDir: 'DATA_DIR',
  databaseUrl: 'DATABASE_URL',
  redisUrl: 'REDIS_URL',
  redisServerBin: 'REDIS_SERVER_BIN',
  smtpUrl: 'SMTP_URL',
  mailFrom: 'MAIL_FROM',
  dueSoonDays: 'DUE_SOON_DAYS',
  noticesSweepHour: 'NOTICES_SWEEP_HOUR',
  logLevel: 'LOG_LEVEL',
  bodyLimit: 'BODY_LIMIT',
  workers: 'WORKERS',
  workerConcurrency: 'WORKER_CONCURRENCY',
  relayIntervalMs: 'RELAY_INTERVAL_MS',
  outboxSweepIntervalMs: 'OUTBOX_SWEEP_INTERVAL_MS',
  outboxStaleAfterMs: 'OUTBOX_STALE_AFTER_MS',
  redisCommandTimeoutMs: 'REDIS_COMMAND_TIMEOUT_MS',
  shutdownTimeoutMs: 'SHUTDOWN_TIMEOUT_MS',
  directoryFile: 'DIRECTORY_FILE',
  catalogueFile: 'CATALOGUE_FILE',
  routingStrategy: 'ROUTING_STRATEGY',
  loadWindowDays: 'LOAD_WINDOW_DAYS',
  supplierAnswerTimeoutMs: 'SUPPLIER_ANSWER_TIMEOUT_MS',
  deliveryTimeoutMs: 'DELIVERY_TIMEOUT_MS',
  deliveryRetryMs: 'DELIVERY_RETRY_MS',
  deliveryAttempts: 'DELIVERY_ATTEMPTS',
  deliveryAttentionAfterMs: 'DELIVERY_ATTENTION_AFTER_MS',
  sessionIdleMs: 'SESSION_IDLE_MS',
  sessionMaxMs: 'SESSION_MAX_MS',
  patronSessionIdleMs: 'PATRON_SESSION_IDLE_MS',
  patronSessionMaxMs: 'PATRON_SESSION_MAX_MS',
  metrics: 'METRICS',
  metricsToken: 'METRICS_TOKEN',
};
