/**
 * The throw-away databases a store benchmark measures on: an embedded PGlite in a folder of its
 * own, and a fresh database on the PostgreSQL server (support/postgres.ts). Each is closed, and
 * its files removed, when the benchmark's cleanup runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../src/store/db';
import type { Cleanup } from './cleanup';
import { freshDatabase } from './postgres';

export async function benchPglite(cleanup: Cleanup, name: string): Promise<Database> {
  const dir = mkdtempSync(join(tmpdir(), `ill-bench-${name}-`));
  cleanup.add(() => rmSync(dir, { recursive: true, force: true }));
  const database = await openDatabase({ driver: 'pglite', dataDir: join(dir, 'data'), holder: 'bench' });
  cleanup.add(() => database.close());
  return database;
}

export async function benchPostgres(cleanup: Cleanup, adminUrl: string, poolSize = 2): Promise<Database> {
  const database = await openDatabase({ driver: 'postgres', url: await freshDatabase(adminUrl, cleanup), poolSize });
  cleanup.add(() => database.close());
  return database;
}
