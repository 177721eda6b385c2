/**
 * Reading an instance's database from outside. PostgreSQL: through a small pool whose lost
 * connections are simply replaced, so a restart costs a failed read or two and nothing else.
 * The embedded PGlite database can be opened by one process only, so it is read once its server
 * has stopped.
 */
import { PGlite } from '@electric-sql/pglite';
import { Pool, type QueryResultRow } from 'pg';
import { PGLITE_EXTENSIONS } from '../../src/store/pglite-extensions';

/** One SQL question to one database. */
export type Read = <R extends QueryResultRow>(text: string) => Promise<R[]>;

export interface Reader {
  readonly read: Read;
  close(): Promise<void>;
}

export function postgresReader(url: string): Reader {
  const pool = new Pool({ connectionString: url, max: 3, connectionTimeoutMillis: 3000, statement_timeout: 10_000, idleTimeoutMillis: 5000 });
  pool.on('error', () => {}); // an idle connection lost to a restart: the pool makes a new one
  return {
    read: async <R extends QueryResultRow>(text: string) => (await pool.query<R>(text)).rows,
    close: () => pool.end(),
  };
}

/** Opens the stopped server's PGlite folder for `work`, then closes it again. */
export async function withPglite<T>(dataDir: string, work: (read: Read) => Promise<T>): Promise<T> {
  const db = new PGlite(dataDir, { extensions: PGLITE_EXTENSIONS });
  await db.waitReady;
  try {
    return await work(async <R extends QueryResultRow>(text: string) => (await db.query<R>(text)).rows);
  } finally {
    await db.close();
  }
}
