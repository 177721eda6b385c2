/**
 * Scale-out on the engines already in use: two HTTP server processes and two worker processes
 * (WORKERS=separate, and what `npm run workers` runs) on one PostgreSQL database and one Redis
 * database. A partner, played by a loopback ISO 18626 endpoint that counts every message it is
 * sent, delivers a batch of requests to both servers, some of them twice (at once to the same
 * server or to the other one, and again later); lending staff answer a share of them through
 * both servers' staff APIs, and borrowing staff ask the partner for loans through both, so the
 * two workers race for one outbox. Every effect happens once: one request per request id, the
 * first answer to every repeated delivery, each outbound message and each patron mail exactly
 * once. The directory stays coherent between the processes: a partner made inactive through one
 * server is refused by both within a second of the change being answered, and taken again once
 * made active through the other.
 *
 * The figures (messages per second, time to drain the outbox, time until the suspension was
 * honoured) are printed, never asserted. Needs PostgreSQL (a separate worker process cannot open
 * the embedded database): skipped on PGlite runs.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { eq } from 'drizzle-orm';
import { buildIso18626, confirmationFor, tryParseIso18626, type ConfirmationMessage, type InboundMessage, type Request, type SupplyingAgencyMessage } from '../../protocols/iso18626';
import { createApiKey } from '../../src/services/access/api-keys';
import { insertLibrary } from '../../src/store/libraries';
import { insertPartner } from '../../src/store/partners';
import { outbox, requests } from '../../src/store/schema';
import { freshDatabase, onPostgres, type TestDatabase } from '../helpers/db';
import { eventually } from '../helpers/queues';
import { startServerProcess, startWorkerProcess, testRedisUrl, type ServerProcess, type WorkerProcess } from '../helpers/server-process';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { validateAgainst } from '../helpers/xsd';

jest.setTimeout(120_000);

const LIBRARY = 'ISIL:DK-SCALE';
const PARTNER = 'ISIL:DK-PEER';
const NOT_A_PARTNER = `header.requestingAgencyId: ${PARTNER} is not a partner of this server`;

/** Requests the partner sends; a share gets a staff answer (see `answerOf`). */
const LENDING_REQUESTS = 250;
/** Loans our staff ask the partner for; the partner ships each one. */
const BORROWING_REQUESTS = 30;
/** HTTP calls in flight at once, spread over both servers. */
const IN_FLIGHT = 16;
const WAIT_MS = 60_000;
/** What the issue asks of the directory cache: every process honours a suspension within a second. */
const COHERENCE_BOUND_MS = 1000;

const agency = (symbol: string) => {
  const [type, value] = symbol.split(':') as [string, string];
  return { agencyIdType: { value: type }, agencyIdValue: value };
};
const inAMonth = () => new Date(Date.now() + 30 * 24 * 3600_000).toISOString();

const lendingRequest = (requestId: string): Request => ({
  kind: 'request',
  header: { supplyingAgencyId: agency(LIBRARY), requestingAgencyId: agency(PARTNER), timestamp: new Date().toISOString(), requestingAgencyRequestId: requestId },
  bibliographicInfo: { title: `Solaris, copy ${requestId}` },
  serviceInfo: { serviceType: 'Loan' },
});

/** The partner, as supplier of one of our borrowing requests, ships the item. */
const loaned = (borrowingId: string): SupplyingAgencyMessage => ({
  kind: 'supplyingAgencyMessage',
  header: {
    supplyingAgencyId: agency(PARTNER),
    requestingAgencyId: agency(LIBRARY),
    timestamp: new Date().toISOString(),
    requestingAgencyRequestId: borrowingId,
    supplyingAgencyRequestId: `peer-loan-${borrowingId.slice(0, 8)}`,
  },
  messageInfo: { reasonForMessage: 'RequestResponse' },
  statusInfo: { status: 'Loaned', lastChange: new Date().toISOString(), dueDate: inAMonth() },
  deliveryInfo: { dateSent: new Date().toISOString() },
});

/** What lending staff do with the i-th request, and the messages the partner is then owed. */
type Answer = { actions: readonly string[]; finalState: string; statuses: readonly string[] };
function answerOf(i: number): Answer {
  switch (i % 5) {
    case 0:
      return { actions: ['will_supply'], finalState: 'will_supply', statuses: ['WillSupply'] };
    case 1:
      return { actions: ['cannot_supply'], finalState: 'unfilled', statuses: ['Unfilled'] };
    case 2:
      return { actions: ['will_supply', 'ship'], finalState: 'shipped', statuses: ['WillSupply', 'Loaned'] };
    default:
      return { actions: [], finalState: 'validated', statuses: [] };
  }
}

/** How the i-th request is delivered a second time, if it is. */
type Repeat = 'at once, same server' | 'at once, other server' | 'later, other server' | undefined;
const repeatOf = (i: number): Repeat => (i % 10 === 3 ? 'at once, same server' : i % 10 === 7 ? 'at once, other server' : i % 10 === 5 ? 'later, other server' : undefined);
/** The partner ships every fourth loan to both servers at once. */
const shippedTwice = (k: number) => k % 4 === 0;

/** How the partner counts what it is sent: whose transaction, which message, which status or action. */
const keyOf = (requestId: string, kind: string, detail = '') => `${requestId} ${kind}${detail ? ` ${detail}` : ''}`;

interface CountingPartner {
  readonly url: string;
  /** Messages received, by key; what it could not read counts under "unreadable". */
  readonly received: Map<string, number>;
  close(): Promise<void>;
}

/** A partner's ISO 18626 endpoint: confirms every message it can read, and counts it. */
async function startCountingPartner(): Promise<CountingPartner> {
  const received = new Map<string, number>();
  const count = (key: string) => received.set(key, (received.get(key) ?? 0) + 1);
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const parsed = tryParseIso18626(body);
      const message = parsed.ok ? (parsed.result.message as InboundMessage) : undefined;
      if (!message || !['request', 'supplyingAgencyMessage', 'requestingAgencyMessage'].includes(message.kind)) {
        count('unreadable');
        res.writeHead(400, { 'Content-Type': 'text/plain' }).end('not an ISO 18626 message this partner takes\n');
        return;
      }
      const detail = message.kind === 'supplyingAgencyMessage' ? message.statusInfo.status : message.kind === 'requestingAgencyMessage' ? message.action : '';
      count(keyOf(message.header.requestingAgencyRequestId, message.kind, detail));
      res.writeHead(200, { 'Content-Type': 'application/xml' }).end(buildIso18626(confirmationFor(message, new Date())));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/iso18626`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Runs `work` over `items` with at most `limit` at a time; the first failure fails the whole. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: limit }, lane));
}

/** A process stopped by SIGTERM, or by SIGKILL when it has not ended 20 s later. */
async function stopProcess(p: WorkerProcess | undefined): Promise<void> {
  if (!p) return;
  let timer: NodeJS.Timeout | undefined;
  const killed = new Promise<void>((resolve) => (timer = setTimeout(() => void p.stop('SIGKILL').then(() => resolve()), 20_000)));
  await Promise.race([p.stop().then(() => undefined), killed]);
  clearTimeout(timer);
}

/** JSON log lines of a process at error level or above (pino: 50 error, 60 fatal). */
function errorsLogged(p: WorkerProcess): string[] {
  return p
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{') && ((JSON.parse(line) as { level?: number }).level ?? 0) >= 50);
}

/** "p50 12 ms, p99 80 ms" */
function spread(ms: readonly number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(0);
  return `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`;
}

const jobsDone = (p: WorkerProcess) => p.output().split('\n').filter((line) => line.includes('"msg":"job done"')).length;

const describeOnPostgres = onPostgres ? describe : describe.skip;

describeOnPostgres('two servers and two worker processes on one PostgreSQL and one Redis', () => {
  let database: TestDatabase;
  let partner: CountingPartner;
  let smtp: TestSmtpServer;
  let dir: string;
  let servers: ServerProcess[] = [];
  let workers: WorkerProcess[] = [];
  let staffKey: string;
  let adminKey: string;

  /** The partner's request ids, every delivery's answer (HTTP status and body), in delivery order. */
  const answers = new Map<string, { status: number; body: string; to: number }[]>();
  /** What the partner is owed, by key: each exactly once. */
  const expected = new Set<string>();
  const borrowingIds: string[] = [];
  /** Supply requests made by the coherence checks' messages that were accepted. */
  const acceptedLater: string[] = [];

  /** How long each answer took, ISO 18626 and staff API apart. */
  const latencies = { iso18626: [] as number[], staff: [] as number[] };
  const post = async (server: ServerProcess, path: string, init: { body: string; type: string; key?: string }) => {
    const sent = performance.now();
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': init.type, ...(init.key ? { Authorization: init.key } : {}) },
      body: init.body,
    });
    const answer = { status: res.status, body: await res.text() };
    latencies[path === '/iso18626' ? 'iso18626' : 'staff'].push(performance.now() - sent);
    return answer;
  };
  const send = (server: ServerProcess, xml: string) => post(server, '/iso18626', { body: xml, type: 'application/xml' });
  const staff = (server: ServerProcess, path: string, body: unknown) => post(server, `/api/v1${path}`, { body: JSON.stringify(body), type: 'application/json', key: staffKey });
  const confirmationOf = (body: string): ConfirmationMessage | undefined => {
    const parsed = tryParseIso18626(body);
    return parsed.ok ? (parsed.result.message as ConfirmationMessage) : undefined;
  };
  const statusOf = (body: string) => confirmationOf(body)?.confirmationHeader.messageStatus;
  const supplyRequest = async (requestId: string) => {
    const rows = await database.db.select().from(requests).where(eq(requests.requestingAgencyRequestId, requestId));
    return rows.find((r) => r.role === 'supplier');
  };

  beforeAll(async () => {
    database = await freshDatabase();
    const deps = { db: database.db, directory: database.directory, now: () => new Date(), newId: randomUUID };
    [partner, smtp] = await Promise.all([startCountingPartner(), startSmtpServer()]);
    await insertLibrary(database.db, { id: randomUUID(), symbol: LIBRARY, name: 'Scale Library', settings: {} });
    await insertPartner(database.db, { id: randomUUID(), symbol: PARTNER, name: 'Peer Library', iso18626Url: partner.url, auth: {}, policies: {}, vendor: null, contactEmail: null, status: 'active' });
    staffKey = `Bearer ${(await createApiKey(deps, { name: 'lending and borrowing staff', role: 'staff' })).key}`;
    adminKey = `Bearer ${(await createApiKey(deps, { name: 'directory admin', role: 'admin' })).key}`;

    dir = mkdtempSync(join(tmpdir(), 'ill-scale-out-'));
    const env = (name: string) => {
      mkdirSync(join(dir, name));
      return { DATA_DIR: join(dir, name), DATABASE_URL: database.url!, REDIS_URL: testRedisUrl(14), WORKERS: 'separate', SMTP_URL: smtp.url, SHUTDOWN_TIMEOUT_MS: '10000' };
    };
    [servers, workers] = await Promise.all([
      Promise.all([startServerProcess(env('server-1')), startServerProcess(env('server-2'))]),
      Promise.all([startWorkerProcess(env('workers-1')), startWorkerProcess(env('workers-2'))]),
    ]);

    const lending = Array.from({ length: LENDING_REQUESTS }, (_, i) => async () => {
      const requestId = `peer-${i}-${randomUUID().slice(0, 8)}`;
      const xml = buildIso18626(lendingRequest(requestId));
      const [first, second] = [i % 2, (i + 1) % 2] as const;
      const repeat = repeatOf(i);
      const deliver = async (to: number) => ({ ...(await send(servers[to]!, xml)), to });
      const delivered =
        repeat === 'at once, same server' ? await Promise.all([deliver(first), deliver(first)]) : repeat === 'at once, other server' ? await Promise.all([deliver(first), deliver(second)]) : [await deliver(first)];
      if (repeat === 'later, other server') delivered.push(await deliver(second));
      answers.set(requestId, delivered);
      // Not accepted at all: the checks below say so; staff have nothing to answer.
      if (!delivered.some((d) => statusOf(d.body) === 'OK')) return;

      const answer = answerOf(i);
      for (const status of answer.statuses) expected.add(keyOf(requestId, 'supplyingAgencyMessage', status));
      const row = await supplyRequest(requestId);
      let version = row?.version ?? 0;
      for (const [step, action] of answer.actions.entries()) {
        // Each step through the other server than the one before: the two staff APIs share the work.
        const via = servers[(i + step) % 2]!;
        const params = action === 'cannot_supply' ? { reason: 'not on shelf' } : action === 'ship' ? { dueDate: inAMonth() } : undefined;
        const res = await staff(via, `/requests/${row!.id}/actions`, { action, version, ...(params ? { params } : {}) });
        if (res.status !== 200) throw new Error(`${action} on ${requestId} answered ${res.status}: ${res.body}`);
        version = (JSON.parse(res.body) as { version: number }).version;
      }
    });

    const borrowing = Array.from({ length: BORROWING_REQUESTS }, (_, k) => async () => {
      const res = await staff(servers[k % 2]!, '/requests', {
        library: LIBRARY,
        bibliographic: { title: `The Dispossessed, copy ${k}` },
        patron: { id: `P-${k}`, name: `Patron ${k}`, email: `patron-${k}@example.org` },
        candidates: [{ symbol: PARTNER }],
      });
      if (res.status !== 201) throw new Error(`POST /requests answered ${res.status}: ${res.body}`);
      const { id, state } = JSON.parse(res.body) as { id: string; state: string };
      if (state !== 'sent_to_supplier') throw new Error(`borrowing request ${id} is ${state}, not sent to the partner`);
      borrowingIds.push(id);
      expected.add(keyOf(id, 'request'));
      // The partner ships once it has the request: to the other server, every fourth time to both at once.
      await eventually(async () => partner.received.has(keyOf(id, 'request')), WAIT_MS);
      const xml = buildIso18626(loaned(id));
      const targets = shippedTwice(k) ? [(k + 1) % 2, k % 2] : [(k + 1) % 2];
      const delivered = await Promise.all(targets.map(async (to) => ({ ...(await send(servers[to]!, xml)), to })));
      answers.set(`loan of ${id}`, delivered);
    });

    // Borrowing interleaved with lending, so that both kinds of work are in flight together.
    const every = Math.floor(LENDING_REQUESTS / BORROWING_REQUESTS);
    const work = lending.flatMap((task, i) => (i % every === 0 && borrowing[i / every] ? [borrowing[i / every]!, task] : [task]));
    const started = performance.now();
    await inParallel(work, IN_FLIGHT, (task) => task());
    const ended = performance.now();

    const open = async () => {
      const rows = await database.db.select({ status: outbox.status, queue: outbox.queue, notBefore: outbox.notBefore }).from(outbox);
      // A borrowing request's answer timer is due in days: it waits, queued, as a delayed job.
      return { rows: rows.length, open: rows.filter((r) => r.status !== 'done' && !(r.queue === 'timers' && r.notBefore && r.notBefore.getTime() > Date.now())).length };
    };
    const drained = await eventually(async () => {
      const seen = await open();
      return seen.open === 0 && seen;
    }, WAIT_MS);
    const isoMessages = [...answers.values()].reduce((n, a) => n + a.length, 0);
    const staffCalls = BORROWING_REQUESTS + Array.from({ length: LENDING_REQUESTS }, (_, i) => answerOf(i).actions.length).reduce((a, b) => a + b, 0);
    const seconds = (ended - started) / 1000;
    const drainSeconds = (performance.now() - ended) / 1000;
    const calls = isoMessages + staffCalls;
    console.log(
      [
        'scale-out: 2 server processes + 2 worker processes, one PostgreSQL database, one Redis database',
        `  batch: ${calls} HTTP calls in ${seconds.toFixed(2)} s = ${(calls / seconds).toFixed(0)}/s ` +
          `(${isoMessages} ISO 18626 messages = ${(isoMessages / seconds).toFixed(0)} msgs/s, ${staffCalls} staff API calls; ${IN_FLIGHT} in flight)`,
        `  answers: ISO 18626 ${spread(latencies.iso18626)}; staff API ${spread(latencies.staff)}`,
        `  outbox: ${drained.rows} rows, every due one done ${drainSeconds.toFixed(2)} s after the batch's last answer; jobs done by worker process 1: ${jobsDone(workers[0]!)}, 2: ${jobsDone(workers[1]!)}`,
      ].join('\n'),
    );
  }, 240_000);

  afterAll(async () => {
    await Promise.all([...servers, ...workers].map(stopProcess));
    await partner?.close();
    await smtp?.close();
    await database?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('keeps one supply request per request id, whichever server each delivery reached', async () => {
    const rows = await database.db.select().from(requests).where(eq(requests.role, 'supplier'));
    const byId = new Map<string, number>();
    for (const r of rows) byId.set(r.requestingAgencyRequestId, (byId.get(r.requestingAgencyRequestId) ?? 0) + 1);
    const sent = [...answers.keys()].filter((k) => k.startsWith('peer-'));
    expect(sent).toHaveLength(LENDING_REQUESTS);
    expect([...byId.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(new Set(byId.keys())).toEqual(new Set(sent));
  });

  it('accepts every message of the batch', () => {
    const refused = [...answers.entries()].filter(([, delivered]) => !delivered.some((d) => d.status === 200 && statusOf(d.body) === 'OK'));
    expect(refused).toEqual([]);
  });

  it('answers a repeated delivery as it answered the first, on either server', () => {
    const repeated = [...answers.entries()].filter(([, delivered]) => delivered.length > 1);
    const count = (n: number, repeats: (i: number) => unknown) => Array.from({ length: n }, (_, i) => i).filter(repeats).length;
    expect(repeated.length).toBe(count(LENDING_REQUESTS, repeatOf) + count(BORROWING_REQUESTS, shippedTwice));
    expect(repeated.filter(([, delivered]) => new Set(delivered.map((d) => d.to)).size === 2).length).toBeGreaterThan(0);
    const differing = repeated.filter(([, [first, ...rest]]) => rest.some((d) => d.status !== first!.status || d.body !== first!.body));
    expect(differing.map(([id, delivered]) => [id, delivered.map((d) => `${d.status} ${confirmationOf(d.body)?.errorData?.errorValue ?? statusOf(d.body)}`)])).toEqual([]);
  });

  it('puts every request where its answers lead', async () => {
    const states = new Map((await database.db.select({ id: requests.id, rid: requests.requestingAgencyRequestId, role: requests.role, state: requests.state }).from(requests)).map((r) => [r.role === 'requester' ? r.id : r.rid, r.state]));
    const lendingIds = [...answers.keys()].filter((k) => k.startsWith('peer-'));
    const wrong = lendingIds.filter((rid) => states.get(rid) !== answerOf(Number(rid.split('-')[1])).finalState);
    expect(wrong).toEqual([]);
    expect(borrowingIds.filter((id) => states.get(id) !== 'shipped')).toEqual([]);
  });

  it('sends the partner every message it is owed exactly once', () => {
    const owed = Object.fromEntries([...expected].map((key) => [key, 1]));
    expect(Object.fromEntries(partner.received)).toEqual(owed);
  });

  it('mails every patron notice exactly once', () => {
    const byPatron = new Map<string, string[]>();
    for (const mail of smtp.received) for (const to of mail.envelopeTo) byPatron.set(to, [...(byPatron.get(to) ?? []), mail.parsed.subject ?? '']);
    const expectedMail = Object.fromEntries(
      Array.from({ length: BORROWING_REQUESTS }, (_, k) => [`patron-${k}@example.org`, [`On its way: The Dispossessed, copy ${k}`, `We have your interlibrary loan request: The Dispossessed, copy ${k}`]]),
    );
    expect(Object.fromEntries([...byPatron].map(([to, subjects]) => [to, [...subjects].sort()]))).toEqual(expectedMail);
  });

  it('settles every outbox row and leaves no request needing attention', async () => {
    const rows = await database.db.select({ status: outbox.status, queue: outbox.queue, notBefore: outbox.notBefore }).from(outbox);
    const byStatus = (status: string) => rows.filter((r) => r.status === status);
    expect(byStatus('dead')).toEqual([]);
    expect(byStatus('pending')).toEqual([]);
    // Only the borrowing requests' answer timers, due in days, still wait (as delayed jobs).
    expect(byStatus('queued').map((r) => [r.queue, r.notBefore!.getTime() > Date.now()])).toEqual(Array(BORROWING_REQUESTS).fill(['timers', true]));
    expect(await database.db.select({ id: requests.id, state: requests.state }).from(requests).where(eq(requests.needsAttention, true))).toEqual([]);
  });

  it('logs no error in any of the four processes', () => {
    expect([...servers, ...workers].flatMap(errorsLogged)).toEqual([]);
  });

  describe('a partner made inactive through one server', () => {
    const partnerStatus = async (via: ServerProcess, status: 'active' | 'inactive') => {
      const res = await fetch(`${via.url}/api/v1/partners/${encodeURIComponent(PARTNER)}`, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json', Authorization: adminKey },
        body: JSON.stringify({ status }),
      });
      // The change counts from the moment its answer is back, before its body is even read.
      const answeredAt = performance.now();
      expect([res.status, ((await res.json()) as { status: string }).status]).toEqual([200, status]);
      return answeredAt;
    };
    /** Sends new requests to `via` until one gets the outcome wanted; each accepted one is kept. */
    const pollUntil = async (via: ServerProcess, wanted: 'OK' | 'ERROR') => {
      let polls = 0;
      const outcome = await eventually(async () => {
        polls++;
        const requestId = `peer-later-${randomUUID().slice(0, 8)}`;
        const answer = await send(via, buildIso18626(lendingRequest(requestId)));
        const at = performance.now();
        const status = statusOf(answer.body);
        if (status === 'OK') acceptedLater.push(requestId);
        return status === wanted && { at, answer };
      }, 10_000);
      return { ...outcome, polls };
    };

    it('is refused by both servers within a second, and accepted again once reactivated through the other', async () => {
      const suspendedAt = await partnerStatus(servers[0]!, 'inactive');
      // Both at once, each timed from the change's answer: one server's polls do not delay the other's.
      const [other, same] = await Promise.all([pollUntil(servers[1]!, 'ERROR'), pollUntil(servers[0]!, 'ERROR')]);
      for (const refused of [other, same]) {
        expect(refused.answer.status).toBe(200);
        expect(confirmationOf(refused.answer.body)).toMatchObject({ kind: 'requestConfirmation', errorData: { errorType: 'UnrecognisedDataValue', errorValue: NOT_A_PARTNER } });
      }
      expect(await validateAgainst('iso18626', other.answer.body)).toEqual({ valid: true, errors: [] });

      const reactivatedAt = await partnerStatus(servers[1]!, 'active');
      const [first, second] = await Promise.all([pollUntil(servers[0]!, 'OK'), pollUntil(servers[1]!, 'OK')]);
      const ms = (at: number, since: number) => `${(at - since).toFixed(0)} ms`;
      console.log(
        `  coherence: partner made inactive through server 1, refused by server 2 after ${ms(other.at, suspendedAt)} (${other.polls} poll(s)), by server 1 after ${ms(same.at, suspendedAt)}; ` +
          `made active again through server 2, accepted by server 1 after ${ms(first.at, reactivatedAt)} (${first.polls} poll(s)), by server 2 after ${ms(second.at, reactivatedAt)}`,
      );
      expect(other.at - suspendedAt).toBeLessThanOrEqual(COHERENCE_BOUND_MS);
      expect(same.at - suspendedAt).toBeLessThanOrEqual(COHERENCE_BOUND_MS);

      // Whatever was accepted meanwhile is one request each.
      for (const rid of acceptedLater) expect((await database.db.select().from(requests).where(eq(requests.requestingAgencyRequestId, rid))).length).toBe(1);
    });
  });
});
