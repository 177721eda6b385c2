/**
 * The lookups migration 0008 indexes, with and without their indexes, in one run: the staff
 * search (`q`, one word and two), `barcode=`, a late message under an id a retry replaced, and
 * one partner's conformance counts for 30 days. BENCH_LOOKUP_REQUESTS requests (default 20,000)
 * with varied bibliographic data (a tenth of it accented), five inbound and outbound messages per
 * request over a year from 200 partners; on PGlite (a data folder, as the embedded server keeps
 * it) and on PostgreSQL when one can be had (BENCH_DATABASE_URL as for the other benchmarks).
 *
 *   npm run bench lookups
 *
 * Each lookup runs through the store's own functions, the median of several runs after a warm
 * one: first after dropping the indexes, then with them built again (the same data, the same
 * process), so the ratio compares like with like; the build is timed too, since it is what the
 * migration costs an existing database. Figures are printed, never asserted.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { conformanceCounts } from '../src/store/conformance';
import { type Database } from '../src/store/db';
import { lookupIndexes, lookupIndexesMigration } from '../src/store/lookup-indexes';
import { searchRequests } from '../src/store/request-search';
import { findRequestByEarlierId } from '../src/store/requests';
import { requests } from '../src/store/schema';
import { withCleanup } from './support/cleanup';
import { benchPglite, benchPostgres } from './support/databases';
import { postgresOrNote } from './support/postgres';
import { count, ms, printTable } from './support/table';

const TOTAL = Number(process.env.BENCH_LOOKUP_REQUESTS ?? 20_000);
const RUNS = 7;
const NOW = new Date('2026-12-01T12:00:00Z');
const DAY = 86_400_000;

const TITLE_WORDS = ['history', 'of', 'the', 'modern', 'library', 'science', 'nordic', 'medieval', 'poetry', 'chemistry', 'introduction', 'handbook', 'social', 'theory', 'climate', 'ocean', 'music', 'children', 'war', 'peace', 'language', 'law', 'economics', 'art', 'design', 'city', 'river', 'northern', 'light', 'studies'];
const ACCENTED = ['Gödel', 'Ærø', 'Straße', 'Łódź', 'Þórbergur', 'œuvre', 'café', 'naïve', 'Ørsted', 'résumé'];
const SURNAMES = ['Hansen', 'Jensen', 'Nielsen', 'Pedersen', 'Andersen', 'Larsen', 'Sørensen', 'Rasmussen', 'Jørgensen', 'Petersen', 'Kristensen', 'Olsen', 'Thomsen', 'Christiansen', 'Poulsen', 'Johansen', 'Møller', 'Mortensen', 'Szymborska', 'Hofstadter'];
const GIVEN = ['Anna', 'Mette', 'Lars', 'Søren', 'Karen', 'Peter', 'Ida', 'Emil', 'Freja', 'Magnus'];
const PUBLISHERS = ['Gyldendal', 'Penguin', 'Springer', 'Elsevier', 'Politikens Forlag', 'Aarhus Universitetsforlag', 'MIT Press', 'Wiley'];

/** A small deterministic generator, so every run (and both databases) holds the same data. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Probes {
  readonly barcode: string;
  readonly earlier: { role: 'requester'; requestingAgencyId: string; requestingAgencyRequestId: string };
  readonly peer: string;
}

async function seed(database: Database): Promise<Probes> {
  const next = random(18_626);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const ours = 'ISIL:DK-100';
  let probes: Probes | undefined;
  for (let start = 0; start < TOTAL; start += 1000) {
    const rows = [];
    for (let i = start; i < Math.min(TOTAL, start + 1000); i++) {
      const words = Array.from({ length: 3 + Math.floor(next() * 5) }, () => pick(TITLE_WORDS));
      if (next() < 0.1) words.splice(1, 0, pick(ACCENTED));
      const role = pick(['requester', 'requester', 'supplier', 'supplier', 'broker'] as const);
      const partner = `ISIL:DK-${200 + Math.floor(next() * 200)}`;
      const id = `${role === 'requester' ? 'DK100' : 'REQ'}-${i}`;
      const shipped = next() < 0.6;
      const retried = role === 'requester' && next() < 0.05;
      const itemId = `3901500${String(i).padStart(7, '0')}`;
      const createdAt = new Date(NOW.getTime() - Math.floor(next() * 365) * DAY);
      rows.push({
        id: randomUUID(),
        role,
        state: pick(['new', 'shipped', 'received', 'completed', 'cancelled']),
        serviceType: 'Loan' as const,
        requestingAgencyId: role === 'requester' ? ours : partner,
        requestingAgencyRequestId: id,
        supplyingAgencyId: role === 'requester' ? partner : ours,
        supplyingAgencyRequestId: next() < 0.7 ? `S-${i}` : null,
        data: {
          bibliographic: { title: words.join(' '), author: `${pick(SURNAMES)}, ${pick(GIVEN)}`, publisher: pick(PUBLISHERS), isbn: `978-87-${String(i).padStart(6, '0')}-${i % 10}` },
          patron: { id: `P${1000 + (i % 5000)}`, name: `${pick(GIVEN)} ${pick(SURNAMES)}` },
          lifecycle: { serviceType: 'Loan', ...(shipped ? { itemId } : {}), ...(retried ? { earlierRequestIds: [`${id}-old`] } : {}) },
        },
        createdAt,
        updatedAt: createdAt,
      });
      if (!probes && retried && shipped && i > TOTAL / 2) probes = { barcode: itemId, earlier: { role: 'requester', requestingAgencyId: ours, requestingAgencyRequestId: `${id}-old` }, peer: partner };
    }
    await database.db.insert(requests).values(rows);
  }
  await database.db.execute(sql`insert into protocol_messages (id, protocol, direction, peer, status, raw_xml, parsed, created_at)
    select gen_random_uuid(), 'iso18626', case when (g / 200) % 2 = 0 then 'in' else 'out' end, 'ISIL:DK-' || (200 + g % 200),
           case when g % 50 = 0 then 'rejected' else 'answered' end, '<ISO18626Message/>',
           case when g % 20 = 0 then '{"warnings":[{"code":"unknown-code","path":"/x"}]}'::jsonb else '{}'::jsonb end,
           ${NOW.toISOString()}::timestamptz - (g % 365) * interval '1 day' - (g % 86400) * interval '1 second'
    from generate_series(1, ${TOTAL * 5}) g`);
  await database.db.execute(sql`analyze`);
  if (!probes) throw new Error('the data holds no retried, shipped request to look up');
  return probes;
}

type Lookup = readonly [name: string, run: (database: Database) => Promise<number>];

function lookups(p: Probes): Lookup[] {
  const page = { sort: 'createdAt', direction: 'desc', limit: 50 } as const;
  return [
    ['q, one word (godel)', async (d) => (await searchRequests(d.db, { words: ['godel'] }, page)).rows.length],
    ['q, two words (szymborska chemistry)', async (d) => (await searchRequests(d.db, { words: ['szymborska', 'chemistry'] }, page)).rows.length],
    ['barcode=', async (d) => (await searchRequests(d.db, { barcode: p.barcode }, page)).rows.length],
    ['earlier request id', async (d) => ((await findRequestByEarlierId(d.db, p.earlier)) ? 1 : 0)],
    ['conformance, one partner, 30 days', async (d) => (await conformanceCounts(d.db, { since: new Date(NOW.getTime() - 30 * DAY), until: NOW, peer: p.peer })).traffic.length],
  ];
}

/** Median milliseconds of RUNS runs after a warm one, and the rows the last one found. */
async function measure(database: Database, run: Lookup[1]): Promise<{ ms: number; found: number }> {
  let found = await run(database);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    found = await run(database);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, found };
}

/** The lookups without the indexes, then with them (built again as migration 0008 builds them, timed). */
async function compare(database: Database): Promise<{ rows: string[][]; buildMs: number }> {
  const probes = await seed(database);
  const all = lookups(probes);
  for (const ix of lookupIndexes()) await database.db.execute(sql.raw(`drop index "${ix.name}"`));
  const scanned: { ms: number; found: number }[] = [];
  for (const [, run] of all) scanned.push(await measure(database, run));
  const t = performance.now();
  for (const statement of lookupIndexesMigration()) await database.db.execute(sql.raw(statement));
  await database.db.execute(sql`analyze`);
  const buildMs = performance.now() - t;
  const indexed: { ms: number; found: number }[] = [];
  for (const [, run] of all) indexed.push(await measure(database, run));
  const rows = all.map(([name], i) => {
    const [before, after] = [scanned[i]!, indexed[i]!];
    if (before.found !== after.found) throw new Error(`${name}: ${before.found} rows without the indexes, ${after.found} with them`);
    return [name, count(after.found), ms(before.ms), ms(after.ms), `${(before.ms / after.ms).toFixed(1)}×`];
  });
  return { rows, buildMs };
}

async function report(database: Database, name: string): Promise<void> {
  console.log(`\n### ${name}, ${count(TOTAL)} requests, ${count(TOTAL * 5)} messages\n`);
  const { rows, buildMs } = await compare(database);
  printTable(['lookup', 'rows', 'without (ms)', 'with (ms)', 'ratio'], rows);
  console.log(`\nBuilding the indexes on these rows (what migration 0008 does to an existing database): ${ms(buildMs / 1000)} s`);
}

async function main(): Promise<void> {
  await withCleanup(async (cleanup) => {
    const notes: string[] = [];

    await report(await benchPglite(cleanup, 'lookups'), 'PGlite');

    const admin = await postgresOrNote(cleanup, notes, 'PostgreSQL');
    if (admin) {
      await report(await benchPostgres(cleanup, admin), 'PostgreSQL');
    }
    for (const note of notes) console.log(`\n${note}`);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
