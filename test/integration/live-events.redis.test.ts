/**
 * Live updates for the staff's screens (GET /api/v1/events): every change of a request reaches
 * the screens that may see it, whoever made it (a partner's message, a timer, a worker giving up,
 * a person) and on whichever server process, through Redis; another library's screens never
 * hear of it. The stream ends with the server and is let go when the client leaves.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { buildIso18626, type Request } from '../../protocols/iso18626';
import { createApp } from '../../src/http/app';
import { apiRouter } from '../../src/http/api';
import { iso18626Router } from '../../src/http/iso18626';
import { JOBS, PermanentJobFailure, requireJob } from '../../src/jobs';
import { requestChangeHub, type RequestChangeHub } from '../../src/live/hub';
import { changePublisher, type ChangePublisher } from '../../src/live/publisher';
import { requestChangesChannel } from '../../src/live/request-changes';
import { createApiKey } from '../../src/services/access/api-keys';
import type { LifecycleDeps } from '../../src/services/pipeline/pipeline';
import { insertLibrary } from '../../src/store/libraries';
import { addToOutbox, listOutboxForRequest, markDead } from '../../src/store/outbox';
import { insertPartner } from '../../src/store/partners';
import { getRequest, insertRequest } from '../../src/store/requests';
import { jobHandlers } from '../../workers/handlers';
import { producerConnection } from '../../workers/queues';
import { startRedisServer } from '../../workers/redis-server';
import { startWorkers } from '../../workers/runner';
import { freshDatabase, type TestDatabase } from '../helpers/db';
import { aboutRequest, followEvents, type EventStream } from '../helpers/event-stream';
import { startInstance } from '../helpers/instances';
import { eventually, someJob, testQueues } from '../helpers/queues';

jest.setTimeout(60_000);

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const LIMIT = 64 * 1024;
const LIBRARY_A = 'ISIL:DK-100';
const LIBRARY_B = 'ISIL:DK-200';
const PARTNER = 'ISIL:DK-P';

/** One server process: its API and /iso18626, its publisher and its subscription, on the shared database and Redis. */
interface Node {
  readonly url: string;
  readonly deps: LifecycleDeps;
  readonly hub: RequestChangeHub;
  readonly publisher: ChangePublisher;
  stop(): Promise<void>;
}

describe('live updates (GET /api/v1/events)', () => {
  let database: TestDatabase;
  const ids = { a: randomUUID(), b: randomUUID() };
  const keys: Record<string, string> = {};
  const nodes: Node[] = [];
  const streams: EventStream[] = [];

  async function startNode(redisUrl: string, prefix: string): Promise<Node> {
    const connection = producerConnection(redisUrl);
    connection.on('error', () => {});
    const channel = requestChangesChannel(prefix);
    const publisher = changePublisher({ db: database.db, directory: database.directory, publish: (m) => connection.publish(channel, m), log });
    const deps: LifecycleDeps = { db: database.db, directory: database.directory, now: () => new Date(), newId: randomUUID, supplierTimeoutMs: 3600_000, changes: publisher };
    const hub = requestChangeHub({ redisUrl, channel, log });
    await hub.subscribed();
    const app = createApp({ log, bodyLimit: LIMIT, health: {}, protocolRouters: [iso18626Router(deps, LIMIT)], routers: [apiRouter({ ...deps, live: hub, liveHeartbeatMs: 300 }, { checkAnswers: true })] });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const node: Node = {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      deps,
      hub,
      publisher,
      stop: async () => {
        const closed = new Promise((resolve) => server.close(resolve));
        await hub.close();
        await closed;
        await publisher.close();
        connection.disconnect();
      },
    };
    nodes.push(node);
    return node;
  }

  const follow = async (node: Node, key: string) => {
    const stream = await followEvents(`${node.url}/api/v1/events`, key);
    streams.push(stream);
    // The first comment says the stream is open: the server has registered it.
    await stream.until((e) => e.event === 'comment');
    return stream;
  };

  const act = async (node: Node, key: string, id: string, action: string, version: number) => {
    const res = await fetch(`${node.url}/api/v1/requests/${id}/actions`, { method: 'POST', headers: { Authorization: key, 'Content-Type': 'application/json' }, body: JSON.stringify({ action, version }) });
    expect(res.status).toBe(200);
  };

  /** A borrowing request that no one has acted on yet (patron check under way). */
  const newBorrowing = async (library: 'a' | 'b') => {
    const id = randomUUID();
    await insertRequest(
      database.db,
      {
        id,
        libraryId: ids[library],
        role: 'requester',
        state: 'new',
        serviceType: 'Loan',
        requestingAgencyId: library === 'a' ? LIBRARY_A : LIBRARY_B,
        requestingAgencyRequestId: id,
        data: { bibliographic: { title: 'Solaris' }, patron: { id: 'P-1' } },
      },
      new Date(),
    );
    return id;
  };

  beforeAll(async () => {
    database = await freshDatabase();
    await insertLibrary(database.db, { id: ids.a, symbol: LIBRARY_A, name: 'Main Library', settings: {} });
    await insertLibrary(database.db, { id: ids.b, symbol: LIBRARY_B, name: 'Branch Library', settings: {} });
    await insertPartner(database.db, { id: randomUUID(), symbol: PARTNER, name: 'Partner', iso18626Url: 'http://127.0.0.1:9/iso18626', auth: {}, policies: {}, vendor: null, contactEmail: null, status: 'active' });
    const deps = { db: database.db, directory: database.directory, now: () => new Date(), newId: randomUUID };
    for (const [name, role, library] of [['staffA', 'staff', LIBRARY_A], ['staffB', 'staff', LIBRARY_B], ['staff', 'staff', undefined], ['readOnlyA', 'read-only', LIBRARY_A]] as const) {
      keys[name] = `Bearer ${(await createApiKey(deps, { name, role, ...(library ? { library } : {}) })).key}`;
    }
  });
  afterEach(async () => {
    for (const s of streams.splice(0)) s.close();
    for (const n of nodes.splice(0)) await n.stop();
  });
  afterAll(() => database.close());

  const prefix = () => `live-${randomUUID().slice(0, 8)}`;

  it('opens an event stream that no proxy buffers, and documents it as one', async () => {
    const node = await startNode(process.env.REDIS_URL!, prefix());
    const stream = await follow(node, keys.readOnlyA!);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(stream.headers.get('x-accel-buffering')).toBe('no');
    await stream.until((e) => e.event === 'comment' && e.data === 'keep-alive');
    const doc = (await (await fetch(`${node.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, { get: { responses: Record<string, { content: Record<string, unknown> }> } }> };
    expect(Object.keys(doc.paths['/events']!.get.responses['200']!.content)).toEqual(['text/event-stream']);
    const anonymous = await fetch(`${node.url}/api/v1/events`);
    expect(anonymous.status).toBe(401);
  });

  it('tells a library’s screens and those of all libraries about a staff action, never another library’s', async () => {
    const node = await startNode(process.env.REDIS_URL!, prefix());
    const [onA, onB, onAll] = [await follow(node, keys.staffA!), await follow(node, keys.staffB!), await follow(node, keys.staff!)];
    const [inA, inB, againA] = [await newBorrowing('a'), await newBorrowing('b'), await newBorrowing('a')];
    await act(node, keys.staffA!, inA, 'cancel', 1);
    const change = JSON.parse((await onA.until(aboutRequest(inA))).data);
    expect(change).toEqual({ id: inA, role: 'requester', library: LIBRARY_A, state: 'cancelled', version: 2, needsAttention: false });
    await onAll.until(aboutRequest(inA, 'cancelled'));
    await act(node, keys.staffB!, inB, 'cancel', 1);
    await onB.until(aboutRequest(inB, 'cancelled'));
    await onAll.until(aboutRequest(inB, 'cancelled'));
    // A's stream hears A's next change, so whatever it was told of B would have come before it.
    await act(node, keys.staffA!, againA, 'cancel', 1);
    await onA.until(aboutRequest(againA));
    await onB.until(() => onAll.events.some(aboutRequest(againA)));
    expect(onA.requests().map((c) => c.id)).toEqual([inA, againA]);
    expect(onB.requests().map((c) => c.id)).toEqual([inB]);
  });

  it('tells the screens about a partner’s new request, a timer that moves a request on, and a worker giving up', async () => {
    const node = await startNode(process.env.REDIS_URL!, prefix());
    const onA = await follow(node, keys.staffA!);
    // A partner asks library A to lend.
    const partnerRequest: Request = {
      kind: 'request',
      header: {
        supplyingAgencyId: { agencyIdType: { value: 'ISIL' }, agencyIdValue: 'DK-100' },
        requestingAgencyId: { agencyIdType: { value: 'ISIL' }, agencyIdValue: 'DK-P' },
        timestamp: new Date().toISOString(),
        requestingAgencyRequestId: `req-${randomUUID().slice(0, 8)}`,
      },
      bibliographicInfo: { title: 'Solaris' },
      serviceInfo: { serviceType: 'Loan' },
    };
    const answer = await fetch(`${node.url}/iso18626`, { method: 'POST', headers: { 'Content-Type': 'application/xml' }, body: buildIso18626(partnerRequest) });
    expect(answer.status).toBe(200);
    const lent = await onA.until((e) => e.event === 'request' && JSON.parse(e.data).role === 'supplier');
    expect(JSON.parse(lent.data)).toMatchObject({ role: 'supplier', library: LIBRARY_A, version: 1 });

    // A borrowing request sent to the partner, who stays silent until the answer timer fires.
    const created = await fetch(`${node.url}/api/v1/requests`, {
      method: 'POST',
      headers: { Authorization: keys.staffA!, 'Content-Type': 'application/json' },
      body: JSON.stringify({ bibliographic: { title: 'Solaris' }, patron: { id: 'P-1' }, candidates: [{ symbol: PARTNER }] }),
    });
    expect(created.status).toBe(201);
    const borrowing = ((await created.json()) as { id: string }).id;
    await onA.until(aboutRequest(borrowing, 'sent_to_supplier'));
    const timer = (await listOutboxForRequest(database.db, borrowing)).find((r) => r.jobName === JOBS.supplierAnswer);
    await jobHandlers({ ...node.deps, timeoutMs: 1000 })[JOBS.supplierAnswer]!({ row: requireJob(timer!, JOBS.supplierAnswer), attempt: 1, log });
    await onA.until(aboutRequest(borrowing, 'unfilled'));

    // Work of the request that is refused for good: the request needs attention.
    const queues = testQueues();
    const workers = startWorkers({
      db: database.db,
      redisUrl: process.env.REDIS_URL!,
      prefix: queues.prefix,
      handlers: { [JOBS.notice]: async () => Promise.reject(new PermanentJobFailure('the mail server refused the patron’s address')) },
      concurrency: 1,
      now: () => new Date(),
      log,
      changes: node.publisher,
    });
    try {
      const [outboxId] = await database.db.transaction((tx) => addToOutbox(tx, [someJob(borrowing)], randomUUID));
      await queues.queues.notify.add(JOBS.notice, { outboxId: outboxId! }, { jobId: outboxId! });
      const flagged = await onA.until((e) => aboutRequest(borrowing)(e) && JSON.parse(e.data).needsAttention === true);
      expect(JSON.parse(flagged.data)).toMatchObject({ id: borrowing, state: 'unfilled', needsAttention: true });
    } finally {
      await workers.close();
      await queues.close();
    }
  });

  it('tells the screens about a note and about dead work set aside by staff', async () => {
    const node = await startNode(process.env.REDIS_URL!, prefix());
    const onA = await follow(node, keys.staffA!);
    const id = await newBorrowing('a');
    const noted = await fetch(`${node.url}/api/v1/requests/${id}/notes`, { method: 'POST', headers: { Authorization: keys.staffA!, 'Content-Type': 'application/json' }, body: JSON.stringify({ note: 'patron phoned' }) });
    expect(noted.status).toBe(201);
    expect(JSON.parse((await onA.until(aboutRequest(id))).data)).toMatchObject({ id, state: 'new', version: 1 });
    const [outboxId] = await database.db.transaction((tx) => addToOutbox(tx, [someJob(id)], randomUUID));
    await markDead(database.db, outboxId!, 'the mail server refused the patron’s address', new Date());
    const skipped = await fetch(`${node.url}/api/v1/requests/${id}/effects/${outboxId}/skip`, { method: 'POST', headers: { Authorization: keys.staffA!, 'Content-Type': 'application/json' }, body: JSON.stringify({ note: 'told the patron at the desk' }) });
    expect(skipped.status).toBe(200);
    await onA.until((e) => aboutRequest(id)(e) && onA.requests().filter((c) => c.id === id).length >= 2);
    expect(onA.requests().filter((c) => c.id === id).at(-1)).toMatchObject({ id, needsAttention: false });
  });

  it('reaches the screens of another server process sharing the Redis', async () => {
    const channelPrefix = prefix();
    const first = await startNode(process.env.REDIS_URL!, channelPrefix);
    const second = await startNode(process.env.REDIS_URL!, channelPrefix);
    const elsewhere = await startNode(process.env.REDIS_URL!, prefix());
    const [onSecond, onElsewhere] = [await follow(second, keys.staffA!), await follow(elsewhere, keys.staffA!)];
    const id = await newBorrowing('a');
    await act(first, keys.staffA!, id, 'cancel', 1);
    await onSecond.until(aboutRequest(id, 'cancelled'));
    // Another installation on the same Redis (its own prefix) hears nothing of it.
    expect(onElsewhere.requests()).toEqual([]);
  });

  it('ends the streams when the server stops, and lets go of a client that left', async () => {
    const node = await startNode(process.env.REDIS_URL!, prefix());
    const leaving = await follow(node, keys.staffA!);
    const staying = await follow(node, keys.staffA!);
    expect(node.hub.size()).toBe(2);
    leaving.close();
    await eventually(async () => node.hub.size() === 1);
    await node.hub.close();
    await staying.ended;
  });

  it('follows Redis through a restart: the screens are told to reload, and changes flow again', async () => {
    const redis = await startRedisServer();
    let restarted: Awaited<ReturnType<typeof startRedisServer>> | undefined;
    try {
      const node = await startNode(redis.url, prefix());
      const onA = await follow(node, keys.staffA!);
      await redis.stop();
      // Redis away: the change is made and answered all the same; only its announcement is lost.
      const meanwhile = await newBorrowing('a');
      await act(node, keys.staffA!, meanwhile, 'cancel', 1);
      expect(await getRequest(database.db, meanwhile)).toMatchObject({ state: 'cancelled', version: 2 });
      restarted = await startRedisServer({ port: redis.port });
      await onA.until((e) => e.event === 'resync', 30_000);
      const id = await newBorrowing('a');
      // The publisher's connection comes back by itself too; until then a change is only logged.
      await eventually(async () => {
        const res = await fetch(`${node.url}/api/v1/requests/${id}/notes`, { method: 'POST', headers: { Authorization: keys.staffA!, 'Content-Type': 'application/json' }, body: JSON.stringify({ note: 'still here?' }) });
        expect(res.status).toBe(201);
        await new Promise((r) => setTimeout(r, 200));
        return onA.events.some(aboutRequest(id));
      }, 30_000);
    } finally {
      for (const s of streams.splice(0)) s.close();
      for (const n of nodes.splice(0)) await n.stop();
      await restarted?.stop();
      await redis.stop();
    }
  });

  it('is part of the running server, and its graceful stop ends the streams instead of waiting for them', async () => {
    // A stop that waited for the streams would wait this long: past the test's own time limit.
    const instance = await startInstance('live', [LIBRARY_A], { shutdownTimeoutMs: 600_000 });
    let stopped = false;
    try {
      const { database: db } = instance.service.runtime;
      const key = `Bearer ${(await createApiKey({ db: db.db, directory: db.directory, now: () => new Date(), newId: randomUUID }, { name: 'desk', role: 'staff', library: LIBRARY_A })).key}`;
      const stream = await followEvents(`${instance.url}/api/v1/events`, key);
      streams.push(stream);
      await stream.until((e) => e.event === 'comment');
      const created = await fetch(`${instance.url}/api/v1/requests`, {
        method: 'POST',
        headers: { Authorization: key, 'Content-Type': 'application/json' },
        body: JSON.stringify({ bibliographic: { title: 'Solaris' }, patron: { id: 'P-1' } }),
      });
      expect(created.status).toBe(201);
      const id = ((await created.json()) as { id: string }).id;
      expect(JSON.parse((await stream.until(aboutRequest(id))).data)).toMatchObject({ id, library: LIBRARY_A, role: 'requester' });
      await instance.destroy();
      stopped = true;
      await stream.ended;
    } finally {
      if (!stopped) await instance.destroy();
    }
  });
});
