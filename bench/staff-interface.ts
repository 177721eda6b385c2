/**
 * The staff interface under a busy desk's load, in a real Chromium: BENCH_UI_REQUESTS open
 * requests (default 10,000) spread over the work queues of one library, on the embedded PGlite
 * and on PostgreSQL when one can be had (BENCH_DATABASE_URL as for the other benchmarks).
 *
 *   npm run bench staff-interface
 *
 * For each database: the time from navigation to the queue screen's counts, and to a queue's
 * first rows (the median of several loads after a warm one), and the JavaScript the first
 * screen ships: the bytes on the wire (the server compresses), and their size uncompressed. Aims (issue 17): under a
 * second for both, under 300 kB of JavaScript. Figures are printed, never asserted.
 */
import { performance } from 'node:perf_hooks';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../test/helpers/browser';
import { startRedisServer } from '../workers/redis-server';
import { startServerProcess } from './support/child';
import { withCleanup } from './support/cleanup';
import { freshDatabase, postgresOrNote } from './support/postgres';
import { count, ms, printTable, verdict } from './support/table';

const REQUESTS = Number(process.env.BENCH_UI_REQUESTS ?? 10_000);
const RUNS = 7;
const LIBRARY = 'ISIL:DK-100';
const PARTNERS = Array.from({ length: 40 }, (_, i) => `ISIL:DK-${300 + i}`);
const USER = { username: 'desk', displayName: 'Interlending desk', role: 'staff', password: 'a long benchmark passphrase' };

const directory = {
  libraries: [{ symbol: LIBRARY, name: 'Benchmark library' }],
  partners: PARTNERS.map((symbol) => ({ symbol, name: `Library ${symbol}`, iso18626Url: 'http://127.0.0.1:9/iso18626' })),
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function signedIn(context: BrowserContext, url: string, apiKey: string): Promise<void> {
  const made = await fetch(`${url}/api/v1/users`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ ...USER, library: LIBRARY }) });
  if (made.status !== 201) throw new Error(`could not make the benchmark's user: ${made.status} ${await made.text()}`);
  const session = await context.request.post(`${url}/api/v1/session`, { data: { username: USER.username, password: USER.password } });
  if (!session.ok()) throw new Error(`could not sign in: ${session.status()} ${await session.text()}`);
}

/** Milliseconds from navigation to `ready` being visible. */
async function timeTo(page: Page, url: string, ready: (page: Page) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await page.goto(url);
  await ready(page);
  return performance.now() - started;
}

interface Figures {
  readonly counts: number;
  readonly rows: number;
  readonly jsBytes: number;
  readonly jsCompressed: number;
}

async function measure(url: string, apiKey: string): Promise<Figures> {
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext();
    await signedIn(context, url, apiKey);
    const page = await context.newPage();
    // The first screen's scripts, as the browser fetched them on a cold load: bytes on the wire and decoded.
    const scripts = new Map<string, { wire: number; decoded: number }>();
    page.on('response', (res) => {
      if (res.request().resourceType() !== 'script') return;
      void Promise.all([res.request().sizes(), res.body()]).then(([sizes, body]) => scripts.set(res.url(), { wire: sizes.responseBodySize, decoded: body.length }), () => undefined);
    });
    const countsShown = (p: Page) => p.locator('.queue-count').first().waitFor({ state: 'visible' });
    const rowsShown = (p: Page) => p.locator('tbody tr').first().waitFor({ state: 'visible' });
    await timeTo(page, `${url}/`, countsShown);
    await page.waitForLoadState('networkidle');
    const jsBytes = [...scripts.values()].reduce((sum, s) => sum + s.decoded, 0);
    const jsCompressed = [...scripts.values()].reduce((sum, s) => sum + s.wire, 0);
    const counts: number[] = [];
    const rows: number[] = [];
    for (let i = 0; i < RUNS; i++) counts.push(await timeTo(page, `${url}/`, countsShown));
    await timeTo(page, `${url}/queues/borrowing.waiting`, rowsShown);
    for (let i = 0; i < RUNS; i++) rows.push(await timeTo(page, `${url}/queues/borrowing.waiting`, rowsShown));
    return { counts: median(counts), rows: median(rows), jsBytes, jsCompressed };
  } finally {
    await browser.close();
  }
}

void withCleanup(async (cleanup) => {
  const notes: string[] = [];
  const redis = await startRedisServer();
  cleanup.add(() => redis.stop());
  const postgres = await postgresOrNote(cleanup, notes, 'the PostgreSQL row');
  const results: [string, Figures][] = [];
  for (const database of ['PGlite', ...(postgres ? ['PostgreSQL'] : [])]) {
    const databaseUrl = database === 'PostgreSQL' ? await freshDatabase(postgres!, cleanup) : undefined;
    const server = await startServerProcess({ kind: 'full', name: `ui-${database}`, redisUrl: redis.url, directory, adminKey: true, openRequests: REQUESTS, ...(databaseUrl ? { databaseUrl } : {}) });
    cleanup.add(() => server.stop());
    results.push([database, await measure(server.url, server.apiKey!)]);
    await server.stop();
  }
  console.log(`${count(REQUESTS)} open requests in one library; median of ${RUNS} loads after a warm one\n`);
  printTable(
    ['database', 'to the counts (ms)', 'aim < 1000', 'to a queue’s rows (ms)', 'aim < 1000', 'first screen JS on the wire (kB)', 'aim < 300'],
    results.map(([name, f]) => [name, ms(f.counts), verdict(f.counts < 1000), ms(f.rows), verdict(f.rows < 1000), `${(f.jsCompressed / 1024).toFixed(1)} (${(f.jsBytes / 1024).toFixed(0)} raw)`, verdict(f.jsCompressed < 300 * 1024)]),
  );
  for (const note of notes) console.log(`note: ${note}`);
});
