/**
 * POST /iso18626 end to end (Express, codec, authentication, the request's transaction), on
 * PostgreSQL and on PGlite, beside the floors any endpoint pays: a bare Express endpoint that only
 * parses the same XML with fast-xml-parser, and the commit floors that add ONE INSERT of the
 * message (PostgreSQL through a pg pool of 10; an in-process PGlite). The full server's ratio to
 * its commit floor is the figure (issue 14: >= 0.5 on PostgreSQL, >= 0.3 on PGlite, and p99 under
 * 10 ms at half the peak rate on PostgreSQL).
 *
 *   npm run bench iso18626-inbound
 *
 * BENCH_DATABASE_URL: a PostgreSQL server to use (a throw-away database is made on it); without
 * it, as root with the Debian package installed, a throw-away cluster is started as in .ci/run.
 * BENCH_SECONDS: length of each measured run (default 8).
 *
 * One server at a time, each in its own child process; every full server gets the same private
 * Redis, its own database and queue prefix. Timings are for reading, never asserted; a missed
 * aim is printed, and the exit code is non-zero only when a server answered anything but an OK
 * confirmation.
 */
import { startRedisServer } from '../workers/redis-server';
import { startServerProcess } from './support/child';
import { withCleanup, type Cleanup } from './support/cleanup';
import { CONNECTIONS, paced, saturate, type Measure } from './support/load';
import { freshMessages, inboundDirectory, repeatedMessage } from './support/message';
import { freshDatabase, postgresOrNote } from './support/postgres';
import type { ServerSpec } from './support/servers';
import { count, ms, printTable, verdict } from './support/table';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP_SECONDS = 3;
const AIM_POSTGRES_RATIO = 0.5;
const AIM_PGLITE_RATIO = 0.3;
const AIM_P99_MS = 10;

type RowKey = 'bare' | 'postgresFloor' | 'postgresFull' | 'postgresDuplicate' | 'pgliteFloor' | 'pgliteFull' | 'pgliteDuplicate';

interface Row {
  readonly peak: Measure;
  readonly half: Measure;
}

/** Printed in this order, each with the row it is a ratio of. */
const ROWS: readonly { readonly key: RowKey; readonly name: string; readonly of: RowKey; readonly ofName: string }[] = [
  { key: 'bare', name: 'bare Express + fast-xml-parser, fixed answer', of: 'bare', ofName: 'bare' },
  { key: 'postgresFloor', name: 'commit floor: parse + one INSERT (pg pool of 10)', of: 'bare', ofName: 'bare' },
  { key: 'postgresFull', name: 'full server, PostgreSQL', of: 'postgresFloor', ofName: 'the commit floor' },
  { key: 'postgresDuplicate', name: '  duplicate delivery, PostgreSQL', of: 'postgresFloor', ofName: 'the commit floor' },
  { key: 'pgliteFloor', name: 'PGlite floor: parse + one INSERT (in-process)', of: 'bare', ofName: 'bare' },
  { key: 'pgliteFull', name: 'full server, PGlite (the embedded default)', of: 'pgliteFloor', ofName: 'the PGlite floor' },
  { key: 'pgliteDuplicate', name: '  duplicate delivery, PGlite', of: 'pgliteFloor', ofName: 'the PGlite floor' },
];

async function measure(url: string, body: () => string): Promise<Row> {
  await saturate(url, { seconds: WARMUP_SECONDS }, body); // JIT, connection pools, first pages of the tables
  const peak = await saturate(url, { seconds: SECONDS }, body);
  const half = await paced(url, SECONDS, Math.max(1, peak.perSecond / 2), body);
  return { peak, half };
}

/** Starts the server, measures it (and, for a full server, duplicate deliveries), stops it. */
async function run(cleanup: Cleanup, rows: Partial<Record<RowKey, Row>>, key: RowKey, spec: ServerSpec, duplicates?: RowKey): Promise<void> {
  const server = await startServerProcess(spec);
  cleanup.add(() => server.stop());
  rows[key] = await measure(server.url, freshMessages());
  console.error(`  ${key}: ${count(rows[key].peak.perSecond)} msgs/s`);
  if (duplicates) {
    // The same message again and again: answered from the record (dedupe), no new request.
    rows[duplicates] = await measure(server.url, repeatedMessage());
    console.error(`  ${duplicates}: ${count(rows[duplicates].peak.perSecond)} msgs/s`);
  }
  await server.stop();
}

async function main(): Promise<void> {
  const rows: Partial<Record<RowKey, Row>> = {};
  const notes: string[] = [];
  await withCleanup(async (cleanup) => {
    const redis = await startRedisServer();
    cleanup.add(() => redis.stop());
    await run(cleanup, rows, 'bare', { kind: 'bare' });
    await run(cleanup, rows, 'pgliteFloor', { kind: 'pglite-floor' });
    await run(cleanup, rows, 'pgliteFull', { kind: 'full', name: 'pglite', redisUrl: redis.url, directory: inboundDirectory }, 'pgliteDuplicate');
    const postgres = await postgresOrNote(cleanup, notes, 'PostgreSQL rows');
    if (postgres) {
      await run(cleanup, rows, 'postgresFloor', { kind: 'postgres-floor', databaseUrl: await freshDatabase(postgres, cleanup) });
      const databaseUrl = await freshDatabase(postgres, cleanup);
      await run(cleanup, rows, 'postgresFull', { kind: 'full', name: 'postgres', redisUrl: redis.url, databaseUrl, directory: inboundDirectory }, 'postgresDuplicate');
    }
  });
  report(rows, notes);
}

function report(rows: Partial<Record<RowKey, Row>>, notes: readonly string[]): void {
  const ratio = (key: RowKey, of: RowKey) => (rows[key] && rows[of] ? rows[key].peak.perSecond / rows[of].peak.perSecond : NaN);
  const latency = (m: Measure) => `${ms(m.p50)} / ${ms(m.p99)}`;
  console.log(`POST /iso18626, autocannon ${CONNECTIONS} connections, ${SECONDS} s per run after ${WARMUP_SECONDS} s warm-up, node ${process.version}`);
  printTable(
    ['target', 'peak msgs/s', 'ratio', 'p50 / p99 ms at peak', 'at half peak: msgs/s', 'p50 / p99 ms'],
    ROWS.filter((r) => rows[r.key]).map((r) => {
      const row = rows[r.key]!;
      return [r.name, count(row.peak.perSecond), `${ratio(r.key, r.of).toFixed(2)} of ${r.ofName}`, latency(row.peak), count(row.half.perSecond), latency(row.half)];
    }),
  );
  console.log('');
  const postgresRatio = ratio('postgresFull', 'postgresFloor');
  const pgliteRatio = ratio('pgliteFull', 'pgliteFloor');
  const postgresP99 = rows.postgresFull?.half.p99 ?? NaN;
  /** A row that was not measured (no PostgreSQL) has no verdict. */
  const aim = (text: string, value: number, shown: string, met: boolean) => [text, Number.isFinite(value) ? shown : 'not measured', Number.isFinite(value) ? verdict(met) : '-'];
  printTable(
    ['aim (issue 14)', 'measured', 'verdict'],
    [
      aim(`full server on PostgreSQL >= ${AIM_POSTGRES_RATIO} of the commit floor`, postgresRatio, postgresRatio.toFixed(2), postgresRatio >= AIM_POSTGRES_RATIO),
      aim(`full server on PGlite >= ${AIM_PGLITE_RATIO} of the PGlite floor`, pgliteRatio, pgliteRatio.toFixed(2), pgliteRatio >= AIM_PGLITE_RATIO),
      aim(`full server on PostgreSQL: p99 at half peak < ${AIM_P99_MS} ms`, postgresP99, `${ms(postgresP99)} ms`, postgresP99 < AIM_P99_MS),
    ],
  );
  for (const r of ROWS) {
    const row = rows[r.key];
    if (row && row.half.perSecond < 0.9 * (row.peak.perSecond / 2)) {
      console.log(`${r.name.trim()}: fell behind the half-peak rate (${count(row.half.perSecond)} of ${count(row.peak.perSecond / 2)} msgs/s): its latencies include the backlog`);
    }
  }
  for (const note of notes) console.log(note);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
