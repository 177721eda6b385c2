/**
 * Writing a large directory file: 2,000 partners (BENCH_DIRECTORY_PARTNERS) new, then all of them
 * changed, one row per statement (as loading DIRECTORY_FILE and the staff import did before) and
 * with loadDirectory's batches, on PGlite (a data folder, as the embedded server keeps it) and on
 * PostgreSQL when one can be had (BENCH_DATABASE_URL as for the other benchmarks).
 *
 *   npm run bench directory-import
 *
 * Each way gets a fresh database of the same kind, so both meet the same rows. Then the staff
 * import as a whole (importDirectory: checking every entry against the directory, then writing),
 * 2,000 new partners and the same file again changed, as POST /directory-file/import runs it.
 * Figures are printed, never asserted.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { directoryFileSchema, loadDirectory, type DirectoryFile } from '../src/services/directory/directory-file';
import { importDirectory } from '../src/services/directory/directory-import';
import { type Database, type Db } from '../src/store/db';
import { announce } from '../src/store/directory-changes';
import { partners } from '../src/store/schema';
import { withCleanup, type Cleanup } from './support/cleanup';
import { benchPglite, benchPostgres } from './support/databases';
import { postgresOrNote } from './support/postgres';
import { count, ms, printTable } from './support/table';

const TOTAL = Number(process.env.BENCH_DIRECTORY_PARTNERS ?? 2000);

function file(name: string): DirectoryFile {
  return directoryFileSchema.parse({
    partners: Array.from({ length: TOTAL }, (_, i) => ({
      symbol: `ISIL:DK-${10_000 + i}`,
      name: `${name} ${i}`,
      iso18626Url: `https://ill${i}.partner.example/iso18626`,
      auth: { inbound: { securityCode: `in-${i}` }, outbound: { securityCode: `out-${i}` } },
      policies: { services: ['Loan', 'Copy'], dailyLimit: 10 + (i % 20) },
      contactEmail: `ill${i}@partner.example`,
    })),
  });
}

/** The former way: one INSERT … ON CONFLICT per partner, in one transaction. */
async function rowByRow(db: Db, f: DirectoryFile, at: Date): Promise<number> {
  return db.transaction(async (tx) => {
    let created = 0;
    for (const p of f.partners) {
      const row = { id: randomUUID(), symbol: p.symbol, name: p.name, iso18626Url: p.iso18626Url ?? null, auth: p.auth, policies: p.policies, vendor: p.vendor ?? null, contactEmail: p.contactEmail ?? null, status: p.status, protocolVersion: p.protocolVersion };
      const [written] = await tx
        .insert(partners)
        .values({ ...row, createdAt: at, updatedAt: at })
        .onConflictDoUpdate({ target: partners.symbol, set: { name: row.name, iso18626Url: row.iso18626Url, auth: row.auth, policies: row.policies, vendor: row.vendor, contactEmail: row.contactEmail, status: row.status, protocolVersion: row.protocolVersion, updatedAt: at } })
        .returning({ created: sql<boolean>`(xmax = 0)`, announced: announce('partners', partners.symbol) });
      if (written?.created) created += 1;
    }
    return created;
  });
}

async function batched(db: Db, f: DirectoryFile, at: Date): Promise<number> {
  return (await loadDirectory(db, f, at)).partners.created;
}

type Way = (db: Db, f: DirectoryFile, at: Date) => Promise<number>;

/** Milliseconds to add TOTAL partners, then to change them all. */
async function run(database: Database, way: Way): Promise<{ add: number; change: number }> {
  const t0 = performance.now();
  const created = await way(database.db, file('Partner'), new Date());
  const t1 = performance.now();
  const createdAgain = await way(database.db, file('Renamed partner'), new Date());
  const t2 = performance.now();
  if (created !== TOTAL || createdAgain !== 0) throw new Error(`counted ${created} then ${createdAgain} new partners of ${TOTAL}`);
  return { add: t1 - t0, change: t2 - t1 };
}

/** The staff import end to end: milliseconds to check, to check and write, for a new file and a changed one. */
async function wholeImport(database: Database): Promise<string[][]> {
  const deps = { db: database.db, directory: database.directory, now: () => new Date(), newId: randomUUID };
  const content = (name: string) => JSON.stringify({ partners: file(name).partners });
  const rows: string[][] = [];
  for (const [what, name] of [
    [`${count(TOTAL)} new partners`, 'Partner'],
    [`${count(TOTAL)} changed partners`, 'Renamed partner'],
  ] as const) {
    const t0 = performance.now();
    const plan = await importDirectory(deps, { format: 'json', content: content(name) }, true);
    const t1 = performance.now();
    const applied = await importDirectory(deps, { format: 'json', content: content(name) }, false);
    const t2 = performance.now();
    if (plan.counts.rejected !== 0 || !applied.applied) throw new Error(`the import of ${what} rejected ${plan.counts.rejected} entries`);
    rows.push([what, ms(t1 - t0), ms(t2 - t1)]);
  }
  return rows;
}

async function report(name: string, open: () => Promise<Database>): Promise<void> {
  const before = await run(await open(), rowByRow);
  const after = await run(await open(), batched);
  const whole = await wholeImport(await open());
  console.log(`\n### ${name}, ${count(TOTAL)} partners\n`);
  printTable(
    ['write', 'one row per statement (ms)', 'batches (ms)', 'ratio'],
    [
      [`add ${count(TOTAL)}`, ms(before.add), ms(after.add), `${(before.add / after.add).toFixed(1)}×`],
      [`change ${count(TOTAL)}`, ms(before.change), ms(after.change), `${(before.change / after.change).toFixed(1)}×`],
    ],
  );
  console.log('\nThe staff import as a whole (importDirectory, batched writes):\n');
  printTable(['file', 'dry run (ms)', 'apply: check and write (ms)'], whole);
}

async function main(): Promise<void> {
  await withCleanup(async (cleanup: Cleanup) => {
    const notes: string[] = [];
    await report('PGlite', () => benchPglite(cleanup, 'directory'));
    const admin = await postgresOrNote(cleanup, notes, 'PostgreSQL');
    if (admin) {
      await report('PostgreSQL', () => benchPostgres(cleanup, admin));
    }
    for (const note of notes) console.log(`\n${note}`);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
