/**
 * POST /iso18626 end to end (Express, codec, authentication, one transaction of inserts), on
 * PGlite and on PostgreSQL, beside a bare Express endpoint that only parses the same XML with
 * fast-xml-parser: the ratio to the bare parse is the figure (issue 6).
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/iso18626-inbound.js
 *
 * BENCH_DATABASE_URL: a PostgreSQL server to use (a throw-away database is made on it); without
 * it, as root with the Debian package installed, a throw-away cluster is started as in .ci/run.
 * BENCH_SECONDS: length of each measured run (default 8).
 *
 * Every server runs in its own child process (this file, with `--serve <target>`): on 2 cores,
 * autocannon sharing the server's event loop would measure itself. Each full server gets the same
 * private Redis, its own database and queue prefix. Timings are for reading, never asserted; the
 * exit code is non-zero only when a server answered anything but an OK confirmation.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { Agent, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import express from 'express';
import { XMLParser } from 'fast-xml-parser';
import { Client } from 'pg';
import pino from 'pino';
import { loadConfig, type Config } from '../config/load';
import { buildIso18626, confirmationFor, parseIso18626, type Request } from '../protocols/iso18626';
import { startService } from '../src/server';
import { insertLibrary } from '../src/store/libraries';
import { insertPartner } from '../src/store/partners';
import { freeLoopbackPort, startRedisServer } from '../workers/redis-server';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP_SECONDS = 3;
const CONNECTIONS = 10;
const AIM_RATIO = 0.5;
const AIM_P99_MS = 20;

type Target = 'bare' | 'pglite' | 'postgres';

// ---------------------------------------------------------------------------------------------
// The message: a typical request from partner ISIL:DK-A to our library ISIL:DK-B1. Each POST
// gets its own requestingAgencyRequestId, so every message is new work (inserts), not a dedupe hit.

const ID_SLOT = 'BENCH-ID-SLOT';
const agency = (value: string) => ({ agencyIdType: { value: 'ISIL' }, agencyIdValue: value });
const template: Request = {
  kind: 'request',
  header: { supplyingAgencyId: agency('DK-B1'), requestingAgencyId: agency('DK-A'), timestamp: '2026-11-26T10:00:00Z', requestingAgencyRequestId: ID_SLOT },
  bibliographicInfo: {
    title: 'The Lord of the Rings',
    author: 'J. R. R. Tolkien',
    bibliographicItemId: [{ bibliographicItemIdentifier: '9780261102385', bibliographicItemIdentifierCode: { value: 'ISBN' } }],
  },
  serviceInfo: { requestType: 'New', serviceType: 'Loan', needBeforeDate: '2026-12-24T00:00:00Z', note: 'Benchmark request' },
};
const templateXml = buildIso18626(template);
const messageWithId = (id: string) => templateXml.replace(ID_SLOT, id);

// ---------------------------------------------------------------------------------------------
// Child process: one target server; tells the parent its URL, stops when asked.

async function serve(target: Target): Promise<void> {
  let url: string;
  let stop: () => Promise<void>;
  if (target === 'bare') {
    // What any endpoint pays at least: read the body as text, parse it, answer a fixed confirmation.
    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' });
    const answer = buildIso18626(confirmationFor(parseIso18626(messageWithId('x')).message as Request, new Date()));
    const app = express();
    app.post('/iso18626', express.text({ type: () => true, limit: '1mb' }), (req, res) => {
      parser.parse(typeof req.body === 'string' ? req.body : '');
      res.status(200).type('application/xml; charset=utf-8').send(answer);
    });
    const server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    stop = () => new Promise((resolve) => server.close(() => resolve()));
  } else {
    const dataDir = mkdtempSync(join(tmpdir(), `ill-bench-${target}-`));
    const config: Config = {
      ...loadConfig({ env: {} }),
      port: await freeLoopbackPort(),
      dataDir,
      redisUrl: process.env.BENCH_REDIS_URL,
      ...(target === 'postgres' ? { databaseUrl: process.env.BENCH_PG_URL } : {}),
      logLevel: 'silent',
      shutdownTimeoutMs: 3000,
    };
    const service = await startService(config, { role: 'server', log: pino({ level: 'silent' }), queuePrefix: `bench-${target}-${randomUUID().slice(0, 8)}` });
    const db = service.runtime.database.db;
    await insertLibrary(db, { id: randomUUID(), symbol: 'ISIL:DK-B1', name: 'Benchmark library', settings: {} });
    // No outbound URL: accepting a request only validates it, nothing is sent back.
    await insertPartner(db, { id: randomUUID(), symbol: 'ISIL:DK-A', name: 'Benchmark partner', iso18626Url: null, auth: {}, policies: {}, vendor: null, contactEmail: null, status: 'active' });
    url = service.url!;
    stop = async () => {
      await service.stop();
      rmSync(dataDir, { recursive: true, force: true });
    };
  }
  const shutdown = () => void stop().finally(() => process.exit(0));
  process.on('message', (m) => m === 'stop' && shutdown());
  process.on('disconnect', shutdown); // the parent died: don't linger
  process.on('SIGINT', () => {}); // Ctrl-C reaches the whole group: the parent stops us in order
  process.send!({ url });
}

/** Starts `target` in a child process; resolves with its URL and a stop function. */
function startChild(target: Target, env: NodeJS.ProcessEnv): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = fork(__filename, ['--serve', target], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.send('stop');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  };
  return new Promise((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve({ url: m.url, stop }));
    child.once('exit', (code) => reject(new Error(`the ${target} server exited with code ${code} before it was ready`)));
  });
}

// ---------------------------------------------------------------------------------------------
// Load on loopback, bounded in time, checking every answer: autocannon for the peak, a paced
// open loop for the latency at half of it.

interface Measure {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

let sequence = 0;
const runTag = randomUUID().slice(0, 8);
const freshMessage = () => messageWithId(`bench-${runTag}-${++sequence}`);

/** Only OK confirmations count as work done: an ERROR answer is HTTP 200 too. */
class AnswerCheck {
  bad = 0;
  sample = '';
  see(status: number, text: string): void {
    if (status === 200 && text.includes('<messageStatus>OK</messageStatus>')) return;
    this.bad++;
    this.sample ||= `HTTP ${status}: ${text.slice(0, 600)}`;
  }
  assert(url: string, extra = ''): void {
    if (this.bad > 0 || extra) throw new Error(`${url}: ${this.bad} answers were not OK confirmations${extra}\n${this.sample}`);
  }
}

/** Closed loop, as fast as the server answers: the peak rate. */
async function saturate(url: string, seconds: number, body: () => string): Promise<Measure> {
  const check = new AnswerCheck();
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/iso18626',
        headers: { 'content-type': 'application/xml' },
        setupRequest: (request) => ({ ...request, body: body() }),
        onResponse: (status, text) => check.see(status, text),
      },
    ],
  });
  check.assert(url, result.errors > 0 || result.non2xx > 0 ? `, ${result.non2xx} non-2xx, ${result.errors} connection errors/timeouts` : '');
  return { perSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

/**
 * Open loop at a fixed rate, evenly spaced, over at most CONNECTIONS keep-alive sockets. Not
 * autocannon's overallRate: it sends each connection's quota for the second back to back and
 * then waits for the next second (bursts at peak rate), and its coordinated-omission correction
 * assumes a 1 ms interval, multiplying every slow answer. Latency here runs from the moment a
 * request was due, so a server (or client) falling behind shows in it.
 */
async function paced(url: string, seconds: number, rate: number, body: () => string): Promise<Measure> {
  const check = new AnswerCheck();
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const target = new URL('/iso18626', url);
  const latencies: number[] = [];
  let failures = 0;
  const post = (xml: string, due: number) =>
    new Promise<void>((resolve) => {
      const req = request(target, { method: 'POST', agent, headers: { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          latencies.push(performance.now() - due);
          check.see(res.statusCode ?? 0, text);
          resolve();
        });
      });
      req.on('error', () => {
        failures++;
        resolve();
      });
      req.end(xml);
    });
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const started = performance.now();
  const sent: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const ahead = due - performance.now();
    // Always yield: a loop that is behind must still let the answers in and the sockets write.
    await (ahead >= 1 ? sleep(ahead) : nextTurn());
    sent.push(post(body(), due));
  }
  // Bounded: a server far slower than the rate gets 10 s to catch up, then its sockets are cut.
  const cut = setTimeout(() => agent.destroy(), 10_000);
  await Promise.all(sent);
  clearTimeout(cut);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  check.assert(url, failures > 0 ? `, ${failures} requests failed or were cut` : '');
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] ?? NaN;
  return { perSecond: latencies.length / elapsed, p50: at(0.5), p99: at(0.99) };
}

interface Row {
  readonly name: string;
  readonly peak: Measure;
  readonly half: Measure;
}

async function measure(name: string, url: string, body: () => string = freshMessage): Promise<Row> {
  await saturate(url, WARMUP_SECONDS, body); // JIT, connection pools, first pages of the tables
  const peak = await saturate(url, SECONDS, body);
  const half = await paced(url, SECONDS, Math.max(1, peak.perSecond / 2), body);
  console.error(`  ${name}: ${Math.round(peak.perSecond)} msgs/s`);
  return { name, peak, half };
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: BENCH_DATABASE_URL, or a throw-away cluster as .ci/run makes one, or skipped.

async function postgresServer(cleanup: (() => Promise<void>)[]): Promise<string> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) return given;
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').filter((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`)) : [];
  const bin = versions.sort((a, b) => Number(a) - Number(b)).map((v) => `/usr/lib/postgresql/${v}/bin`).pop();
  if (!bin) throw new Skip('no BENCH_DATABASE_URL and no /usr/lib/postgresql/*/bin/initdb');
  if (process.getuid?.() !== 0) throw new Skip('no BENCH_DATABASE_URL, and initdb must run as the postgres user (needs root)');
  const dir = mkdtempSync(join(tmpdir(), 'ill-bench-pg-'));
  cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
  execFileSync('chown', ['postgres:postgres', dir]);
  const asPostgres = (cmd: string, args: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' });
  asPostgres(`${bin}/initdb`, ['-D', `${dir}/data`, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  const port = await freeLoopbackPort();
  // Durability off as in CI: the cluster is discarded, and the figure is CPU, not this disk's fsync.
  const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  asPostgres(`${bin}/pg_ctl`, ['-D', `${dir}/data`, '-l', `${dir}/log`, '-w', '-o', settings, 'start']);
  cleanup.push(async () => void asPostgres(`${bin}/pg_ctl`, ['-D', `${dir}/data`, '-m', 'immediate', 'stop']));
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}

class Skip extends Error {}

/** A fresh database on the server, dropped at the end, so repeated runs never meet old rows. */
async function freshDatabase(adminUrl: string, cleanup: (() => Promise<void>)[]): Promise<string> {
  const name = `ill_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  cleanup.push(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const cleanup: (() => Promise<void>)[] = [];
  const cleanUp = async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch((err: unknown) => console.error(`cleanup: ${String(err)}`));
  };
  process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    const redis = await startRedisServer();
    cleanup.push(() => redis.stop());

    const bare = await startChild('bare', {});
    cleanup.push(() => bare.stop());
    rows.push(await measure('bare Express + fast-xml-parser', bare.url));
    await bare.stop();

    // One server at a time: on 2 cores an idle server's relay and workers still cost a little.
    const full = async (target: 'pglite' | 'postgres', env: NodeJS.ProcessEnv) => {
      const server = await startChild(target, { BENCH_REDIS_URL: redis.url, ...env });
      cleanup.push(() => server.stop());
      rows.push(await measure(`full server, ${target === 'pglite' ? 'PGlite' : 'PostgreSQL'}`, server.url));
      // The same message again and again: answered from the record (dedupe), no new request.
      const repeated = messageWithId(`bench-${runTag}-duplicate`);
      rows.push(await measure(`  duplicate delivery (${target === 'pglite' ? 'PGlite' : 'PostgreSQL'})`, server.url, () => repeated));
      await server.stop();
    };
    await full('pglite', {});
    let pgUrl: string | undefined;
    try {
      pgUrl = await freshDatabase(await postgresServer(cleanup), cleanup);
    } catch (err) {
      notes.push(`PostgreSQL row skipped: ${err instanceof Skip ? err.message : `could not start or reach PostgreSQL (${String(err).split('\n')[0]})`}`);
    }
    if (pgUrl) await full('postgres', { BENCH_PG_URL: pgUrl });
  } finally {
    await cleanUp();
  }
  report(rows, notes);
}

function report(rows: readonly Row[], notes: readonly string[]): void {
  const baseline = rows[0]!.peak.perSecond;
  const ms = (n: number) => n.toFixed(1);
  const half = (m: Measure) => `${ms(m.p50)} / ${ms(m.p99)}`;
  console.log(`POST /iso18626, autocannon ${CONNECTIONS} connections, ${SECONDS} s per run after ${WARMUP_SECONDS} s warm-up, node ${process.version}`);
  console.log(`| ${'target'.padEnd(34)} | ${'peak msgs/s'.padStart(11)} | vs bare | p50/p99 ms at peak | msgs/s, p50/p99 ms at half peak |`);
  console.log(`|${'-'.repeat(36)}|${'-'.repeat(13)}|${'-'.repeat(9)}|${'-'.repeat(20)}|${'-'.repeat(33)}|`);
  for (const row of rows) {
    const ratio = `${(row.peak.perSecond / baseline).toFixed(2)}x`;
    const atHalf = `${Math.round(row.half.perSecond)}, ${half(row.half)}`;
    console.log(`| ${row.name.padEnd(34)} | ${Math.round(row.peak.perSecond).toLocaleString('en-US').padStart(11)} | ${ratio.padStart(7)} | ${half(row.peak).padStart(18)} | ${atHalf.padStart(31)} |`);
  }
  for (const row of rows.filter((r) => r.name.startsWith('full server'))) {
    const ratio = row.peak.perSecond / baseline;
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    console.log(
      `${row.name}: ratio ${ratio.toFixed(2)} (aim >= ${AIM_RATIO}: ${verdict(ratio >= AIM_RATIO)}), ` +
        `p99 at half peak ${ms(row.half.p99)} ms (aim < ${AIM_P99_MS} ms: ${verdict(row.half.p99 < AIM_P99_MS)})`,
    );
  }
  for (const row of rows.filter((r) => r.half.perSecond < 0.9 * (r.peak.perSecond / 2))) {
    console.log(`${row.name.trim()}: fell behind the half-peak rate (${Math.round(row.half.perSecond)} of ${Math.round(row.peak.perSecond / 2)} msgs/s): its latencies include the backlog`);
  }
  for (const note of notes) console.log(note);
}

if (process.argv[2] === '--serve') {
  serve(process.argv[3] as Target).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
