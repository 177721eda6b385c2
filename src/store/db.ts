/**
 * Opens the database behind one interface: PGlite (embedded, the default) or a PostgreSQL
 * server through node-postgres. Either way the committed migrations run before anything else.
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
import { schema } from './schema';

export type Schema = typeof schema;
/** A database handle or an open transaction: repositories accept either. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  readonly db: Db;
  readonly driver: 'pglite' | 'postgres';
  /** Answers when the database can run a query (readiness probe). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { readonly driver: 'pglite'; /** Folder for the data files; omit for in-memory. */ readonly dataDir?: string }
  | { readonly driver: 'postgres'; readonly url: string; readonly poolSize?: number };

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
  return target.driver === 'pglite' ? openPglite(target.dataDir) : openPostgres(target.url, target.poolSize ?? 10);
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (dataDir) mkdirSync(resolve(dataDir), { recursive: true });
  const client = new PGlite(dataDir ? resolve(dataDir) : undefined);
  await client.waitReady;
  const db = drizzlePglite({ client, schema });
  await migratePglite(db, { migrationsFolder: migrationsFolder() });
  return {
    db: db as unknown as Db,
    driver: 'pglite',
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => client.close(),
  };
}

/** Arbitrary constant: the key of the lock that serialises migrations across processes. */
const MIGRATION_LOCK = 1_862_601_826;

/** The server and a separate worker process may start together; only one migrates at a time. */
/** The lock lives on a connection of its own, so even a pool of one can run the migrations. */
async function withAdvisoryLock<T>(url: string, key: number, work: () => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [key]);
    return await work();
  } finally {
    await client.end(); // ending the session releases the lock
  }
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const db = drizzlePg({ client: pool, schema });
  try {
    await withAdvisoryLock(url, MIGRATION_LOCK, () => migratePg(db, { migrationsFolder: migrationsFolder() }));
  } catch (err) {
    await pool.end();
    throw err;
  }
  return {
    db: db as unknown as Db,
    driver: 'postgres',
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => pool.end(),
  };
}
