/**
 * Opens the database behind one interface: PGlite (embedded, the default) or a PostgreSQL
 * server through node-postgres. Either way the committed migrations run before anything else.
 * The embedded database is opened under its data lock (data-lock.ts), taken before PGlite
 * starts and given back once it has closed: one process at a time, whoever it is.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { Client, Pool } from 'pg';
import type { Logger } from 'pino';
import type { BackupSummary } from './backup-file';
import { acquireDataLock, type LockOwner } from './data-lock';
import { openDirectoryCache, type DirectoryCache } from './directory-cache';
import { listenOnPglite, listenOnPostgres, type PostgresListenerOptions } from './directory-changes';
import { backupPglite } from './pglite-backup';
import { PGLITE_EXTENSIONS } from './pglite-extensions';
import { APPLICATION_NAME, backupPostgres } from './postgres-backup';
import { schema } from './schema';
import { asDatabaseUnavailable } from './unavailable';

export type Schema = typeof schema;
/** A database handle or an open transaction: repositories accept either. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  readonly db: Db;
  readonly driver: 'pglite' | 'postgres';
  /** Partners and member libraries, read from memory and kept correct across processes; closed with the database. */
  readonly directory: DirectoryCache;
  /** Answers when the database can run a query (readiness probe). */
  ping(): Promise<void>;
  /** Writes a consistent snapshot of the whole database to `file` (backup-file.ts); `takenBy` says how, for the operator. */
  backup(file: string, takenBy: string): Promise<BackupSummary>;
  close(): Promise<void>;
}

interface OpenOptions {
  /** False for tools that only read (a backup must not change the database first). */
  readonly migrate?: boolean;
}

export type DatabaseTarget =
  | (OpenOptions & {
      readonly driver: 'pglite';
      /** Folder for the data files; omit for in-memory. */
      readonly dataDir?: string;
      /** What the data lock names as its holder: `server`, or the command. */
      readonly holder?: string;
      /** Told when the lock of a process that is gone (kill -9, a crash) is taken over. */
      readonly onStaleLock?: (previous: LockOwner | undefined) => void;
    })
  | (OpenOptions & {
      readonly driver: 'postgres';
      readonly url: string;
      readonly poolSize?: number;
      /** Where a lost connection and its recovery are reported (once per outage). */
      readonly log?: Pick<Logger, 'warn' | 'info'>;
      /** How the directory cache's listening connection checks itself and reconnects (tests shorten or lengthen it). */
      readonly listener?: Omit<PostgresListenerOptions, 'url' | 'log'>;
    });

export function migrationsFolder(): string {
  // Works from src/store (ts) and dist/src/store (compiled): walk up to the package root.
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the package root above ${__dirname}`);
    dir = parent;
  }
  return join(dir, 'src', 'store', 'migrations');
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.driver === 'pglite' ? openPglite(target) : openPostgres(target);
}

async function openPglite(target: Extract<DatabaseTarget, { driver: 'pglite' }>): Promise<Database> {
  const dataDir = target.dataDir ? resolve(target.dataDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const lock = dataDir ? await acquireDataLock(dataDir, { holder: target.holder ?? 'cli', ...(target.onStaleLock ? { onStale: target.onStaleLock } : {}) }) : undefined;
  let client: PGlite | undefined;
  try {
    // One options object: PGlite reads a second argument only after a data folder's name, and in memory there is none.
    client = new PGlite({ ...(dataDir ? { dataDir } : {}), extensions: PGLITE_EXTENSIONS });
    await client.waitReady;
    const db = drizzlePglite({ client, schema });
    if (target.migrate ?? true) await migratePglite(db, { migrationsFolder: migrationsFolder() });
    const opened = client;
    const directory = await openDirectoryCache(db as unknown as Db, (events) => listenOnPglite(opened, events));
    return {
      db: db as unknown as Db,
      driver: 'pglite',
      directory,
      ping: async () => {
        await db.execute(sql`select 1`);
      },
      backup: (file, takenBy) => backupPglite(opened, file, takenBy, new Date()),
      close: async () => {
        try {
          await directory.close();
          await opened.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (err) {
    await client?.close().catch(() => {});
    lock?.release();
    throw err;
  }
}

/** Arbitrary constant: the key of the lock that serialises migrations across processes. */
const MIGRATION_LOCK = 1_862_601_826;

/** The server and a separate worker process may start together; only one migrates at a time. */
/** The lock lives on a connection of its own, so even a pool of one can run the migrations. */
async function withAdvisoryLock<T>(url: string, key: number, work: () => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  // A lost connection fails the running statement, which is what reports it; the event must not end the process.
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [key]);
    return await work();
  } finally {
    await client.end(); // ending the session releases the lock
  }
}

async function openPostgres(target: Extract<DatabaseTarget, { driver: 'postgres' }>): Promise<Database> {
  const { url, log } = target;
  const poolSize = target.poolSize ?? 10;
  // The name lets `npm run restore` see that a server or worker is still connected.
  const pool = new Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000, application_name: APPLICATION_NAME });
  const watch = connectionWatch(log);
  // A connection that loses its server (a restart, a network cut) emits 'error' on its client,
  // whether it is idle or checked out inside a transaction, and an 'error' event nobody listens
  // to ends the process. The statement that was running fails by itself and the pool drops the
  // broken client and opens new ones, so the server recovers when PostgreSQL is back; here the
  // loss is only reported.
  pool.on('connect', (client) => {
    watch.connected();
    client.on('error', watch.lost);
  });
  // The same error once more, forwarded by the pool for an idle client: already reported above.
  pool.on('error', () => {});
  // A statement running when its server goes away (a restart's FATAL 57P01) fails with the error
  // instead, and its client may emit none: a write is one statement, so every connection in use
  // can be busy with one. Its failure is reported as the loss it is.
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const running = query(...args);
    if (running instanceof Promise) {
      running.catch((err: unknown) => {
        if (asDatabaseUnavailable(err)) watch.lost(err as Error);
      });
    }
    return running;
  };
  const db = drizzlePg({ client: pool, schema });
  let directory: DirectoryCache;
  try {
    if (target.migrate ?? true) await withAdvisoryLock(url, MIGRATION_LOCK, () => migratePg(db, { migrationsFolder: migrationsFolder() }));
    directory = await openDirectoryCache(db as unknown as Db, (events) => listenOnPostgres({ ...target.listener, url, ...(log ? { log } : {}) }, events));
  } catch (err) {
    await pool.end();
    throw err;
  }
  return {
    db: db as unknown as Db,
    driver: 'postgres',
    directory,
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    backup: (file, takenBy) => backupPostgres(url, file, takenBy, new Date()),
    close: async () => {
      try {
        await directory.close();
      } finally {
        await pool.end();
      }
    },
  };
}

/** One warning when connections start failing, one line when a new one succeeds again. */
function connectionWatch(log: Pick<Logger, 'warn' | 'info'> | undefined): { lost: (err: Error) => void; connected: () => void } {
  let lostAt: number | undefined;
  return {
    lost: (err) => {
      if (lostAt !== undefined) return;
      lostAt = Date.now();
      log?.warn({ reason: err.message }, 'lost a connection to PostgreSQL; requests are answered "temporarily unavailable" until it is back');
    },
    connected: () => {
      if (lostAt === undefined) return;
      log?.info({ afterMs: Date.now() - lostAt }, 'connected to PostgreSQL again');
      lostAt = undefined;
    },
  };
}
