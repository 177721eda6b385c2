/**
 * PostgreSQL going away under a running server, run as its own process (what `npm start` runs),
 * with queries in flight: PostgreSQL terminating the connections (what a restart does, SQLSTATE
 * 57P01), then an outage (connections cut, new ones refused) through a proxy the test severs.
 * The process survives both, partners and staff are told to try again (never a 4xx), and it
 * recovers by itself when PostgreSQL is back. Needs real PostgreSQL: skipped on PGlite runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { Client } from 'pg';
import { RECEIVER_FAILURE_ERROR_TYPE, buildIso18626, parseIso18626, type ConfirmationMessage, type Request } from '../../protocols/iso18626';
import { buildNcip, parseNcip, type Problem } from '../../protocols/ncip';
import { TEMPORARILY_UNAVAILABLE as ISO_UNAVAILABLE } from '../../src/http/iso18626';
import { TEMPORARILY_UNAVAILABLE as NCIP_UNAVAILABLE } from '../../src/http/ncip';
import { createApiKey } from '../../src/services/access/api-keys';
import { insertLibrary } from '../../src/store/libraries';
import { insertPartner } from '../../src/store/partners';
import { requests } from '../../src/store/schema';
import { freeLoopbackPort, startRedisServer, type RedisServer } from '../../workers/redis-server';
import { freshDatabase, onPostgres, type TestDatabase } from '../helpers/db';
import { eventually } from '../helpers/queues';
import { startTcpProxy, viaProxy, type TcpProxy } from '../helpers/tcp-proxy';
import { validateAgainst } from '../helpers/xsd';

const IN_FLIGHT = 6;
const WAIT_MS = 60_000;
const LOST = 'lost a connection to PostgreSQL; requests are answered "temporarily unavailable" until it is back';
const BACK = 'connected to PostgreSQL again';
const agency = (value: string) => ({ agencyIdType: { value: 'ISIL' }, agencyIdValue: value });

const loanRequest = (): Request => ({
  kind: 'request',
  header: { supplyingAgencyId: agency('DK-L'), requestingAgencyId: agency('DK-P'), timestamp: new Date().toISOString(), requestingAgencyRequestId: `req-${randomUUID().slice(0, 8)}` },
  bibliographicInfo: { title: 'Solaris' },
  serviceInfo: { serviceType: 'Loan' },
});

interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** The server's log so far, one parsed JSON line each. */
  logs(): Array<{ msg?: string; level?: number }>;
  stop(): Promise<void>;
}

async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const main = join(__dirname, '..', '..', 'dist', 'src', 'main.js');
  if (!existsSync(main)) throw new Error('dist/src/main.js is missing: `npm test` builds it before running the tests');
  const child = spawn(process.execPath, [main], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${output}`);
    return /ILL broker listening on (\S+) /.exec(output)?.[1];
  }, WAIT_MS);
  return {
    url,
    child,
    logs: () =>
      output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { msg?: string; level?: number }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(killer);
      }
    },
  };
}

const describeOnPostgres = onPostgres ? describe : describe.skip;

describeOnPostgres('a PostgreSQL outage under a running server', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let redis: RedisServer;
  let server: ServerProcess;
  let dataDir: string;
  let staffKey: string;

  beforeAll(async () => {
    database = await freshDatabase();
    const deps = { db: database.db, directory: database.directory, now: () => new Date(), newId: randomUUID };
    await insertLibrary(database.db, { id: randomUUID(), symbol: 'ISIL:DK-L', name: 'Lending Library', settings: {} });
    await insertPartner(database.db, { id: randomUUID(), symbol: 'ISIL:DK-P', name: 'Partner', iso18626Url: 'http://127.0.0.1:9/iso18626', auth: {}, policies: {}, vendor: null, contactEmail: null, status: 'active' });
    staffKey = `Bearer ${(await createApiKey(deps, { name: 'staff', role: 'staff' })).key}`;
    const target = new URL(database.url!);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    redis = await startRedisServer();
    dataDir = mkdtempSync(join(tmpdir(), 'ill-db-outage-'));
    server = await startServerProcess({
      PORT: String(await freeLoopbackPort()),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: viaProxy(database.url!, proxy),
      REDIS_URL: redis.url,
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: '5000',
    });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await proxy?.close();
    await redis?.stop();
    await database?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const post = (path: string, xml: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/xml', ...headers }, body: xml }).then(async (res) => ({ status: res.status, headers: res.headers, text: await res.text() }));
  const send = (message: Request) => post('/iso18626', buildIso18626(message));
  const confirmationOf = (text: string) => parseIso18626(text).message as ConfirmationMessage;
  const alive = () => server.child.exitCode === null && server.child.signalCode === null;
  const ready = async () => (await fetch(`${server.url}/health/ready`)).status === 200;
  const supplierRequests = async (ids: readonly string[]) => (await database.db.select().from(requests).where(eq(requests.role, 'supplier'))).filter((r) => ids.includes(r.requestingAgencyRequestId));

  /** Messages whose first query is stuck in the proxy when the fault strikes; their answers. */
  async function inFlight(messages: readonly Request[], fault: () => Promise<void>) {
    // Warm the pool first, so the stuck queries run on connections the pool already holds. A burst
    // may be served by fewer connections than it has messages (each write is one short statement),
    // so bursts go on until the pool holds one connection per message in flight.
    await eventually(async () => {
      const burst = await Promise.all(Array.from({ length: 2 * IN_FLIGHT }, () => send(loanRequest())));
      expect(burst.map((r) => r.status)).toEqual(Array(2 * IN_FLIGHT).fill(200));
      return proxy.upstreamPorts().length >= IN_FLIGHT;
    }, WAIT_MS);
    proxy.hold();
    const answers = Promise.all(messages.map(send));
    await eventually(async () => proxy.heldChunks >= messages.length, WAIT_MS);
    await fault();
    return answers;
  }

  async function expectTryAgain(answers: Awaited<ReturnType<typeof send>>[]) {
    for (const answer of answers) {
      expect(answer.status).toBe(503);
      expect(await validateAgainst('iso18626', answer.text)).toEqual({ valid: true, errors: [] });
      expect(confirmationOf(answer.text).errorData).toEqual({ errorType: RECEIVER_FAILURE_ERROR_TYPE, errorValue: ISO_UNAVAILABLE });
    }
  }

  it('survives PostgreSQL terminating its connections with queries in flight, and goes on at once', async () => {
    const messages = Array.from({ length: IN_FLIGHT }, loanRequest);
    const answers = await inFlight(messages, async () => {
      // What a restart does to every session: FATAL 57P01 admin_shutdown, then the socket closes.
      // Only the server's sessions (those through the proxy): the test's own stay.
      const admin = new Client({ connectionString: database.url });
      await admin.connect();
      const ended = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where client_port = any($1::int[])', [proxy.upstreamPorts()]);
      await admin.end();
      expect(ended.rowCount).toBeGreaterThanOrEqual(IN_FLIGHT);
    });
    await expectTryAgain(answers);
    expect(alive()).toBe(true);
    await proxy.restore();

    // A partner sends again, as it does after a 5xx: each message is accepted once.
    const again = await Promise.all(messages.map(send));
    expect(again.map((a) => [a.status, confirmationOf(a.text).confirmationHeader.messageStatus])).toEqual(Array(IN_FLIGHT).fill([200, 'OK']));
    expect(await supplierRequests(messages.map((m) => m.header.requestingAgencyRequestId))).toHaveLength(IN_FLIGHT);
  });

  describe('while PostgreSQL is unreachable', () => {
    let cutOff: Request[];
    let answers: Awaited<ReturnType<typeof send>>[];
    beforeAll(async () => {
      cutOff = Array.from({ length: IN_FLIGHT }, loanRequest);
      answers = await inFlight(cutOff, () => proxy.sever());
    }, 120_000);

    it('keeps running, and tells the senders of the messages in flight to send again (503, never a 4xx)', async () => {
      await expectTryAgain(answers);
      expect(alive()).toBe(true);
      expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
    });

    it('answers a new ISO 18626 request with 503 and an ERROR confirmation that says only "temporarily unavailable"', async () => {
      const answer = await send(loanRequest());
      await expectTryAgain([answer]);
      expect(answer.headers.get('retry-after')).toBe('10');
    });

    it('answers NCIP with a Temporary Processing Failure Problem', async () => {
      const answer = await post('/ncip', buildNcip({ messageType: 'LookupVersion', fromAgencyId: { value: 'VUFIND' }, toAgencyId: { value: 'DK-L' } }));
      expect(answer.status).toBe(200);
      const problem = (parseNcip(answer.text) as { problems?: readonly Problem[] }).problems?.[0];
      expect(problem).toMatchObject({ problemType: { value: 'Temporary Processing Failure' }, problemDetail: NCIP_UNAVAILABLE });
    });

    it('answers the staff API with 503 problem+json and Retry-After', async () => {
      const res = await fetch(`${server.url}/api/v1/requests`, { headers: { Authorization: staffKey } });
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.headers.get('retry-after')).toBe('10');
      expect(await res.json()).toMatchObject({ status: 503, title: 'Service Unavailable' });
    });

    it('reports itself not ready, naming the database, with Redis still up', async () => {
      const res = await fetch(`${server.url}/health/ready`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        status: 'unavailable',
        checks: { database: { status: 'down', error: expect.stringMatching(/^the database is unavailable: /) }, redis: { status: 'up' } },
      });
    });

    describe('and once it is back', () => {
      beforeAll(async () => {
        await proxy.restore();
        await eventually(ready, WAIT_MS);
      }, 120_000);

      it('takes requests again by itself, the ones it turned away included', async () => {
        const fresh = loanRequest();
        const again = await Promise.all([...cutOff, fresh].map(send));
        expect(again.map((a) => [a.status, confirmationOf(a.text).confirmationHeader.messageStatus])).toEqual(Array(IN_FLIGHT + 1).fill([200, 'OK']));
        expect(await supplierRequests([...cutOff, fresh].map((m) => m.header.requestingAgencyRequestId))).toHaveLength(IN_FLIGHT + 1);
        const staff = await fetch(`${server.url}/api/v1/requests`, { headers: { Authorization: staffKey } });
        expect(staff.status).toBe(200);
      });

      it('logged each loss of PostgreSQL once, and each recovery', () => {
        const messages = server.logs().map((line) => line.msg);
        expect(messages.filter((m) => m === LOST)).toHaveLength(2);
        expect(messages.filter((m) => m === BACK)).toHaveLength(2);
      });
    });
  });
});
