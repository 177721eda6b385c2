/**
 * A fresh, migrated database per test file: in-memory PGlite by default, or a throw-away
 * database on the PostgreSQL server named by TEST_DATABASE_URL (CI runs the suite both ways).
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase, type Database } from '../../src/store/db';

export interface TestDatabase extends Database {
  /** Connection URL when on PostgreSQL (to start a second process on the same data). */
  readonly url?: string;
}

export const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

export async function freshDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) return openDatabase({ driver: 'pglite' });
  const name = `ill_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = withDatabase(adminUrl, name);
  const database = await openDatabase({ driver: 'postgres', url, poolSize: 5 });
  return {
    ...database,
    url,
    close: async () => {
      await database.close();
      await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function withAdmin<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
