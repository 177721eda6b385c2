/**
 * Memory of the full server under inbound load: RSS after a tenth of BENCH_MEMORY_REQUESTS new
 * requests and after all of them, sent as fast as the server takes them, on PGlite (the embedded
 * default) and on PostgreSQL when one can be had. The aim (issue 14) is RSS after 100k within
 * 10 % of RSS after 10k: set BENCH_MEMORY_REQUESTS=100000 for those figures; the default of
 * 10,000 keeps `npm run bench` short and shows the same trend at 1k and 10k.
 *
 *   npm run bench memory
 *
 * The server runs in its own child process with --expose-gc; each reading waits for the server
 * to settle, then collects garbage twice, so RSS is what the server still holds. RSS includes
 * PGlite's WebAssembly memory, which never shrinks; heap used is the JavaScript heap alone.
 * Figures are printed, never asserted; BENCH_DATABASE_URL as for iso18626-inbound.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startRedisServer } from '../workers/redis-server';
import { startServerProcess, type Memory, type ServerProcess } from './support/child';
import { withCleanup } from './support/cleanup';
import { saturate } from './support/load';
import { freshMessages, inboundDirectory } from './support/message';
import { freshDatabase, postgresOrNote } from './support/postgres';
import type { ServerSpec } from './support/servers';
import { count, printTable, verdict } from './support/table';

const TOTAL = Number(process.env.BENCH_MEMORY_REQUESTS ?? 10_000);
const FIRST = Math.round(TOTAL / 10);
const SETTLE_MS = 2000;
const AIM_GROWTH = 0.1;

interface Reading {
  readonly requests: number;
  readonly memory: Memory;
  /** Messages per second while sending the requests since the previous reading. */
  readonly rate?: number;
}

interface Row {
  readonly name: string;
  readonly start: Reading;
  readonly first: Reading;
  readonly last: Reading;
}

/** Lets outbox work and timers run out, then reads memory after garbage collection. */
async function settled(server: ServerProcess): Promise<Memory> {
  await sleep(SETTLE_MS);
  return server.memory();
}

async function measure(name: string, spec: ServerSpec): Promise<Row> {
  const server = await startServerProcess(spec, { exposeGc: true });
  try {
    const messages = freshMessages();
    const after = async (from: number, to: number): Promise<Reading> => {
      const { perSecond } = await saturate(server.url, { amount: to - from }, messages);
      const reading = { requests: to, memory: await settled(server), rate: perSecond };
      console.error(`  ${name}: ${count(to)} requests, RSS ${mb(reading.memory.rss)} MB`);
      return reading;
    };
    const start = { requests: 0, memory: await settled(server) };
    const first = await after(0, FIRST);
    const last = await after(FIRST, TOTAL);
    return { name, start, first, last };
  } finally {
    await server.stop();
  }
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

async function main(): Promise<void> {
  const rows: Row[] = [];
  const notes: string[] = [];
  await withCleanup(async (cleanup) => {
    const redis = await startRedisServer();
    cleanup.add(() => redis.stop());
    rows.push(await measure('full server, PGlite', { kind: 'full', name: 'memory-pglite', redisUrl: redis.url, directory: inboundDirectory }));
    const postgres = await postgresOrNote(cleanup, notes, 'PostgreSQL row');
    if (postgres) {
      const databaseUrl = await freshDatabase(postgres, cleanup);
      rows.push(await measure('full server, PostgreSQL', { kind: 'full', name: 'memory-postgres', redisUrl: redis.url, databaseUrl, directory: inboundDirectory }));
    }
  });
  report(rows, notes);
}

function report(rows: readonly Row[], notes: readonly string[]): void {
  console.log(`RSS of the full server after inbound new requests (autocannon, 10 connections, as fast as it takes them), node ${process.version}`);
  printTable(
    ['server', 'after start MB', `after ${count(FIRST)} MB`, `after ${count(TOTAL)} MB`, `${count(TOTAL)} / ${count(FIRST)}`, 'heap used MB', 'msgs/s', 'verdict'],
    rows.map(({ name, start, first, last }) => {
      const growth = last.memory.rss / first.memory.rss;
      return [
        name,
        mb(start.memory.rss),
        mb(first.memory.rss),
        mb(last.memory.rss),
        growth.toFixed(3),
        `${mb(first.memory.heapUsed)} -> ${mb(last.memory.heapUsed)}`,
        count(last.rate ?? NaN),
        verdict(growth <= 1 + AIM_GROWTH),
      ];
    }),
  );
  console.log(`aim (issue 14): RSS after 100k within ${AIM_GROWTH * 100} % of RSS after 10k${TOTAL === 100_000 ? '' : `; this run compares ${count(FIRST)} with ${count(TOTAL)} (BENCH_MEMORY_REQUESTS=100000 for the aim's own figures)`}`);
  for (const note of notes) console.log(note);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
