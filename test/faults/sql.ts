/**
 * Reading an instance's database from outside. PostgreSQL: on a connection of its own per
 * question, so a restart costs one failed read and nothing else. The embedded PGlite database
 * can be opened by one process only, so it is read once its server has stopped.
 */
import { PGlite } from '@electric-sql/pglite';
import { Client, type QueryResultRow } from 'pg';

/** One SQL question to one database. */
export type Read = <R extends QueryResultRow>(text: string) => Promise<R[]>;

export function readPostgres(url: string): Read {
  return async <R extends QueryResultRow>(text: string) => {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000, statement_timeout: 10_000 });
    client.on('error', () => {}); // a restart while connected: the query below reports it
    await client.connect();
    try {
      return (await client.query<R>(text)).rows;
    } finally {
      await client.end().catch(() => {});
    }
  };
}

/** Opens the stopped server's PGlite folder for `work`, then closes it again. */
export async function withPglite<T>(dataDir: string, work: (read: Read) => Promise<T>): Promise<T> {
  const db = new PGlite(dataDir);
  await db.waitReady;
  try {
    return await work(async <R extends QueryResultRow>(text: string) => (await db.query<R>(text)).rows);
  } finally {
    await db.close();
  }
}
