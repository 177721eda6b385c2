/**
 * Changes to the directory (the `partners` and `libraries` tables) announced to every process
 * on one PostgreSQL channel, and heard by each process's directory cache (directory-cache.ts).
 *
 * Why LISTEN/NOTIFY rather than Redis pub/sub: a notification belongs to the writing
 * transaction. PostgreSQL delivers it on commit, never for a rollback, and never before the
 * change can be read, so no announcement is lost between a commit and a publish, and none
 * arrives before its data. It needs no second system: Redis may be down while the database is
 * up (the server keeps working then, see the README's "A Redis outage"), and a cache fed by
 * Redis would have to be bypassed for that whole time. PGlite has the same channel in-process,
 * so both drivers take one path.
 *
 * Every statement that writes one of the two tables carries `announce(...)` in its RETURNING
 * list: the announcement is then part of the statement itself, inside whatever transaction the
 * caller runs it in, and names each row that was actually written.
 */
import type { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { APPLICATION_NAME } from './postgres-backup';

export const DIRECTORY_CHANNEL = 'ill_directory';

export type DirectoryTable = 'partners' | 'libraries';

/** One row written: the notification's payload is `<table>:<key>` (the row's symbol). */
export interface DirectoryChange {
  readonly table: DirectoryTable | 'unknown';
  readonly key: string;
}

/** The RETURNING expression that announces the written row: `pg_notify('ill_directory', 'partners:' || symbol)`. */
export function announce(table: DirectoryTable, key: AnyPgColumn): SQL<string> {
  return sql<string>`pg_notify(${DIRECTORY_CHANNEL}, ${`${table}:`} || ${key})`;
}

/** Drops the announcement column from a row returned with `announce` in its RETURNING list. */
export function withoutAnnouncement<T extends { announced: unknown }>(row: T): Omit<T, 'announced'> {
  const { announced: _announced, ...rest } = row;
  return rest;
}

export function parseChange(payload: string): DirectoryChange {
  const colon = payload.indexOf(':');
  const table = payload.slice(0, colon);
  return { table: table === 'partners' || table === 'libraries' ? table : 'unknown', key: payload.slice(colon + 1) };
}

export interface ChangeEvents {
  onChange(change: DirectoryChange): void;
  /** Changes are heard from now on; what was announced before is unknown (every connect, the first included). */
  onLive(): void;
  /** Changes are no longer heard. */
  onLost(): void;
}

export interface ChangeListener {
  /** True while every committed change is known to reach this process. */
  live(): boolean;
  close(): Promise<void>;
}

/** In-process: PGlite delivers a notification while it finishes the committing statement. */
export async function listenOnPglite(client: PGlite, events: ChangeEvents): Promise<ChangeListener> {
  const unlisten = await client.listen(DIRECTORY_CHANNEL, (payload) => events.onChange(parseChange(payload)));
  events.onLive();
  let closed = false;
  return {
    live: () => !closed,
    close: async () => {
      closed = true;
      await unlisten().catch(() => {});
    },
  };
}

export interface PostgresListenerOptions {
  readonly url: string;
  readonly log?: Pick<Logger, 'warn' | 'info'>;
  /**
   * How often the listening connection is checked with a `select 1`. A connection cut without
   * a reset (a firewall, a held proxy) delivers nothing and reports nothing; the check is what
   * notices. Changes count as heard only while a check was answered within twice this long.
   */
  readonly heartbeatMs?: number;
  /** Reconnect delays: the first, doubling (with jitter) up to the cap. */
  readonly retryFirstMs?: number;
  readonly retryMaxMs?: number;
}

/**
 * LISTEN on one dedicated connection (a pool connection would be handed to other work and
 * lose the LISTEN), reconnecting with capped backoff. A lost connection is reported and
 * retried, never thrown: the cache only stops trusting itself meanwhile.
 */
export async function listenOnPostgres(options: PostgresListenerOptions, events: ChangeEvents): Promise<ChangeListener> {
  const heartbeatMs = options.heartbeatMs ?? 1000;
  const retryFirstMs = options.retryFirstMs ?? 200;
  const retryMaxMs = options.retryMaxMs ?? 5000;
  let client: Client | undefined;
  let listening = false;
  let answeredAt = 0;
  let failures = 0;
  let lostAt: number | undefined;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;

  const drop = (c: Client, reason: string) => {
    if (c !== client) return;
    client = undefined;
    clearInterval(heartbeat);
    const wasListening = listening;
    listening = false;
    // With a check still waiting for its answer, end() destroys the socket instead of waiting.
    c.end().catch(() => {});
    if (wasListening) events.onLost();
    if (closed) return;
    if (lostAt === undefined) {
      lostAt = Date.now();
      options.log?.warn({ reason }, 'the directory cache is not hearing changes from PostgreSQL; directory reads go to the database until it is back');
    }
    const delay = Math.min(retryMaxMs, retryFirstMs * 2 ** failures) * (0.75 + Math.random() / 2);
    failures += 1;
    retryTimer = setTimeout(() => void connect(), delay);
    retryTimer.unref();
  };

  const startHeartbeat = (c: Client) => {
    let sentAt: number | undefined;
    heartbeat = setInterval(() => {
      if (sentAt !== undefined) {
        if (Date.now() - sentAt > 2 * heartbeatMs) drop(c, `no answer to a check for ${2 * heartbeatMs} ms`);
        return;
      }
      const sent = (sentAt = Date.now());
      c.query('select 1').then(
        () => {
          answeredAt = sent;
          sentAt = undefined;
        },
        (err: Error) => drop(c, err.message),
      );
    }, heartbeatMs);
    heartbeat.unref();
  };

  const connect = async () => {
    if (closed) return;
    const c = new Client({ connectionString: options.url, application_name: APPLICATION_NAME, connectionTimeoutMillis: 5000, keepAlive: true });
    client = c;
    c.on('error', (err) => drop(c, err.message));
    c.on('end', () => drop(c, 'the connection ended'));
    c.on('notification', (n) => {
      if (c === client && n.channel === DIRECTORY_CHANNEL) events.onChange(parseChange(n.payload ?? ''));
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${DIRECTORY_CHANNEL}`);
    } catch (err) {
      drop(c, (err as Error).message);
      return;
    }
    if (c !== client || closed) return;
    listening = true;
    answeredAt = Date.now();
    failures = 0;
    if (lostAt !== undefined) {
      options.log?.info({ afterMs: Date.now() - lostAt }, 'the directory cache hears changes from PostgreSQL again');
      lostAt = undefined;
    }
    events.onLive();
    startHeartbeat(c);
  };

  // The first attempt is awaited so that a process starts with a working cache; if it fails,
  // the process starts anyway and the retries go on in the background.
  await connect();
  return {
    live: () => listening && Date.now() - answeredAt <= 2 * heartbeatMs,
    close: async () => {
      closed = true;
      clearTimeout(retryTimer);
      clearInterval(heartbeat);
      const c = client;
      client = undefined;
      listening = false;
      await c?.end().catch(() => {});
    },
  };
}
