/**
 * What numbering costs the insert of a new request (migration 0012: a trigger takes the next
 * value of the library's sequence). The intake's own write (writeState: the request, its audit
 * event, an outbox row) of new requests for one library, in alternating rounds with the
 * trigger disabled and enabled, on PGlite (a data folder, as the embedded server keeps it) and
 * on PostgreSQL when one can be had (BENCH_DATABASE_URL as for the other benchmarks), there also
 * with 10 writers at once: a number taken under a lock would queue them, a sequence does not.
 *
 *   npm run bench request-numbers
 *
 * BENCH_NUMBER_ROUNDS rounds (default 6) of BENCH_NUMBER_BATCH inserts each way (default 400).
 * Figures are printed, never asserted.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import type { Database } from '../src/store/db';
import { insertLibrary } from '../src/store/libraries';
import { writeState, type StateWrite } from '../src/store/request-writes';
import { withCleanup } from './support/cleanup';
import { benchPglite, benchPostgres } from './support/databases';
import { postgresOrNote } from './support/postgres';
import { count, ms, printTable } from './support/table';

const ROUNDS = Number(process.env.BENCH_NUMBER_ROUNDS ?? 6);
const BATCH = Number(process.env.BENCH_NUMBER_BATCH ?? 400);

function newRequest(libraryId: string): StateWrite {
  const id = randomUUID();
  const at = new Date();
  return {
    request: {
      kind: 'insert',
      at,
      row: { id, libraryId, role: 'supplier', state: 'received', serviceType: 'Loan', requestingAgencyId: 'ISIL:DK-900', requestingAgencyRequestId: id, supplyingAgencyId: 'ISIL:DK-100', data: { bibliographic: { title: 'Kindred' } } },
    },
    events: [{ event: 'created', toState: 'received', actor: 'ISIL:DK-900', at }],
    outbox: [{ queue: 'notify', jobName: 'patron.notice', payload: { notice: 'request_received' } }],
  };
}

/** Milliseconds per insert over `BATCH` inserts, `writers` at a time. */
async function round(database: Database, libraryId: string, writers: number): Promise<number> {
  const started = performance.now();
  let left = BATCH;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (left-- > 0) await writeState(database.db, newRequest(libraryId), randomUUID);
    }),
  );
  return (performance.now() - started) / BATCH;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(database: Database, name: string, writers: number): Promise<string[]> {
  const libraryId = randomUUID();
  await insertLibrary(database.db, { id: libraryId, symbol: `ISIL:DK-${libraryId.slice(0, 6)}`, name: 'Bench library', settings: {} });
  const setTrigger = (on: boolean) => database.db.execute(sql.raw(`alter table requests ${on ? 'enable' : 'disable'} trigger requests_number`));
  const without: number[] = [];
  const withNumbers: number[] = [];
  await round(database, libraryId, writers); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    await setTrigger(false);
    without.push(await round(database, libraryId, writers));
    await setTrigger(true);
    withNumbers.push(await round(database, libraryId, writers));
  }
  const numbered = await database.db.execute<{ n: number; distinct: number }>(sql`select count(number)::int as n, count(distinct number)::int as distinct from requests where library_id = ${libraryId}`);
  const rows = (numbered as unknown as { rows?: { n: number; distinct: number }[] }).rows ?? (numbered as unknown as { n: number; distinct: number }[]);
  const [a, b] = [median(without), median(withNumbers)];
  return [name, String(writers), ms(a * 1000), ms(b * 1000), (b / a).toFixed(2), `${count(rows[0]!.n)} / ${count(rows[0]!.distinct)}`];
}

async function main(): Promise<void> {
  await withCleanup(async (cleanup) => {
    const notes: string[] = [];
    const rows: string[][] = [];
    rows.push(await measure(await benchPglite(cleanup, 'numbers'), 'PGlite', 1));
    const admin = await postgresOrNote(cleanup, notes, 'PostgreSQL');
    if (admin) {
      const postgres = await benchPostgres(cleanup, admin, 10);
      rows.push(await measure(postgres, 'PostgreSQL', 1));
      rows.push(await measure(postgres, 'PostgreSQL', 10));
    }
    console.log(`writeState of a new request, ${ROUNDS} rounds of ${BATCH} each way, median round`);
    printTable(['database', 'writers', 'µs per insert, unnumbered', 'numbered', 'ratio', 'numbered / distinct'], rows);
    for (const note of notes) console.log(`\n${note}`);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
