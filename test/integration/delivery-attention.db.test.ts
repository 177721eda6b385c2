/**
 * A partner that stays unreachable: the request comes in front of staff after
 * DELIVERY_ATTENTION_AFTER_MS while the retries go on, the failed attempts are one timeline entry
 * with a count (the message itself kept once), and the partner's return takes the request out of
 * "needs attention" again. The clock is the test's, so the times are exact.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { eq } from 'drizzle-orm';
import { buildIso18626, confirmationFor, parseIso18626, type InboundMessage } from '../../protocols/iso18626';
import { JOBS, outboxJob } from '../../src/jobs';
import { createBorrowingRequest, parseBorrowingRequest } from '../../src/services/borrowing/borrowing';
import { remainingRetryMs } from '../../src/services/iso18626/delivery-attention';
import { deliverOutboxRow, TransientDeliveryFailure, type DeliveryDeps } from '../../src/services/iso18626/delivery';
import { requestWithTimeline, type TimelineEntry } from '../../src/services/staff/requests-query';
import { listEvents } from '../../src/store/events';
import { insertLibrary } from '../../src/store/libraries';
import { addToOutbox, getOutboxRow, markDead, type OutboxRow } from '../../src/store/outbox';
import { insertPartner } from '../../src/store/partners';
import { getRequest } from '../../src/store/requests';
import { outbox, protocolMessages } from '../../src/store/schema';
import { freeLoopbackPort } from '../../workers/redis-server';
import { freshDatabase, type TestDatabase } from '../helpers/db';

const MINUTE = 60_000;
const ADMIN = { keyId: 'k', name: 'test', role: 'admin' as const, libraryId: null };

describe('a partner that cannot be reached', () => {
  let database: TestDatabase;
  let deps: DeliveryDeps;
  let clock: Date;
  let port: number;
  let lender: Server | undefined;
  let libraryId: string;
  let answer: (body: string) => { status: number; body: string };

  beforeAll(async () => {
    database = await freshDatabase();
    deps = {
      db: database.db,
      directory: database.directory,
      now: () => clock,
      newId: randomUUID,
      supplierTimeoutMs: 3 * 24 * 3600_000,
      timeoutMs: 2000,
      retries: { attempts: 30, firstRetryMs: 5000, attentionAfterMs: 15 * MINUTE },
    };
    // Nothing listens on the lender's port until a test brings it up: connections are refused.
    port = await freeLoopbackPort();
    libraryId = randomUUID();
    await insertLibrary(database.db, { id: libraryId, symbol: 'ISIL:DK-HOME', name: 'Home', settings: {} });
    await insertPartner(database.db, {
      id: randomUUID(),
      symbol: 'ISIL:DK-AWAY',
      name: 'Away',
      iso18626Url: `http://127.0.0.1:${port}/iso18626`,
      auth: {},
      policies: {},
      vendor: null,
      contactEmail: null,
      status: 'active',
    });
  });
  afterAll(async () => {
    await database.close();
  });
  beforeEach(() => {
    clock = new Date('2026-11-26T10:00:00Z');
    answer = (body) => ({ status: 200, body: buildIso18626(confirmationFor(parseIso18626(body).message as InboundMessage, clock)) });
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => (lender ? lender.close(() => resolve()) : resolve()));
    lender = undefined;
  });

  async function lenderIsBack(): Promise<void> {
    lender = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const out = answer(body);
        res.writeHead(out.status, { 'Content-Type': 'application/xml' }).end(out.body);
      });
    });
    await new Promise<void>((resolve) => lender!.listen(port, '127.0.0.1', resolve));
  }

  async function newRequest(): Promise<{ requestId: string; row: OutboxRow }> {
    const request = await createBorrowingRequest(deps, libraryId, parseBorrowingRequest({ bibliographic: { title: 'Kindred' }, patron: { id: 'P-1' }, candidates: [{ symbol: 'ISIL:DK-AWAY' }] }), 'staff:test', { channel: 'staff' });
    const [row] = (await database.db.select().from(outbox).where(eq(outbox.requestId, request.id))).filter((r) => r.queue === 'delivery');
    return { requestId: request.id, row: row! };
  }

  /** One try by the worker, `minutes` after the first. */
  async function tryAt(row: OutboxRow, minutes: number, attempt: number): Promise<void> {
    clock = new Date(Date.parse('2026-11-26T10:00:00Z') + minutes * MINUTE);
    await deliverOutboxRow(deps, row, { attempt });
  }

  const needsAttention = async (id: string) => (await getRequest(deps.db, id))!.needsAttention;
  const timeline = async (id: string) => (await requestWithTimeline(deps, id, ADMIN)).timeline;
  const entries = <K extends TimelineEntry['kind']>(all: TimelineEntry[], kind: K) => all.filter((e): e is Extract<TimelineEntry, { kind: K }> => e.kind === kind);

  it('needs attention once the partner has been unreachable for 15 minutes, while the retries go on', async () => {
    const { requestId, row } = await newRequest();
    for (const [i, minutes] of [0, 4, 8, 12].entries()) {
      await expect(tryAt(row, minutes, i + 1)).rejects.toThrow(TransientDeliveryFailure);
    }
    expect(await needsAttention(requestId)).toBe(false);

    await expect(tryAt(row, 16, 5)).rejects.toThrow(/connection failed \(ECONNREFUSED\)/);
    expect(await needsAttention(requestId)).toBe(true);
    const [raised] = (await listEvents(deps.db, requestId)).filter((e) => e.event === 'needs_attention');
    const until = new Date(clock.getTime() + remainingRetryMs(5, deps.retries!)).toISOString().slice(0, 16).replace('T', ' ');
    expect(raised).toMatchObject({
      actor: 'system:delivery',
      toState: 'sent_to_supplier',
      data: { reason: `ISIL:DK-AWAY has not been reachable for 16 minutes (connection refused); delivery is retried until about ${until} UTC, then it gives up`, outboxId: row.id },
    });
    // Still retrying: the row is live, and the next failures do not say it again.
    await expect(tryAt(row, 20, 6)).rejects.toThrow(TransientDeliveryFailure);
    expect((await getOutboxRow(deps.db, row.id))?.status).toBe('pending');
    expect((await listEvents(deps.db, requestId)).filter((e) => e.event === 'needs_attention')).toHaveLength(1);
  });

  it('shows six refused attempts as one timeline entry with a count, and the message once', async () => {
    const { requestId, row } = await newRequest();
    for (const [i, minutes] of [0, 1, 3, 7, 15, 31].entries()) await expect(tryAt(row, minutes, i + 1)).rejects.toThrow(TransientDeliveryFailure);

    const all = await timeline(requestId);
    const messages = entries(all, 'message');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ direction: 'out', messageType: 'request', status: 'failed', attempts: 6, at: new Date('2026-11-26T10:00:00Z'), lastAttemptAt: new Date('2026-11-26T10:31:00Z') });
    expect(messages[0]!.rawXml).toContain('<request>');
    expect(entries(all, 'delivery_failure')).toEqual([
      expect.objectContaining({ messageId: messages[0]!.id, peer: 'ISIL:DK-AWAY', count: 6, firstAt: new Date('2026-11-26T10:00:00Z'), lastAt: new Date('2026-11-26T10:31:00Z'), error: 'connection failed (ECONNREFUSED)' }),
    ]);
    expect(await database.db.select().from(protocolMessages).where(eq(protocolMessages.requestId, requestId))).toHaveLength(1);
  });

  it('delivers when the partner is back, and the request no longer needs attention', async () => {
    const { requestId, row } = await newRequest();
    for (const [i, minutes] of [0, 10, 20].entries()) await expect(tryAt(row, minutes, i + 1)).rejects.toThrow(TransientDeliveryFailure);
    expect(await needsAttention(requestId)).toBe(true);

    await lenderIsBack();
    await tryAt(row, 42, 4);
    expect(await needsAttention(requestId)).toBe(false);
    expect((await listEvents(deps.db, requestId)).at(-1)).toMatchObject({
      event: 'attention_cleared',
      data: { reason: 'ISIL:DK-AWAY took the request at attempt 4, after failing for 42 minutes; the request no longer needs attention', attempts: 4 },
    });
    const all = await timeline(requestId);
    expect(entries(all, 'message')).toEqual([expect.objectContaining({ status: 'confirmed', attempts: 4, httpStatus: 200 })]);
    expect(entries(all, 'delivery_failure')).toEqual([expect.objectContaining({ count: 3 })]);
  });

  it('keeps the request in front of staff when other work of it gave up', async () => {
    const { requestId, row } = await newRequest();
    for (const [i, minutes] of [0, 20].entries()) await expect(tryAt(row, minutes, i + 1)).rejects.toThrow(TransientDeliveryFailure);
    const [other] = await addToOutbox(deps.db, [outboxJob(JOBS.ncip, { call: 'LookupUser' }, { requestId })], randomUUID);
    await markDead(deps.db, other!, 'NCIP LookupUser refused by the ILS: User Blocked', clock);

    await lenderIsBack();
    await tryAt(row, 25, 3);
    expect(await needsAttention(requestId)).toBe(true);
    expect((await listEvents(deps.db, requestId)).at(-1)).toMatchObject({
      event: 'delivery_recovered',
      data: { reason: 'ISIL:DK-AWAY took the request at attempt 3, after failing for 25 minutes; the request still needs attention for other reasons' },
    });
  });

  it('keeps different failures apart: refused connections, then HTTP 503', async () => {
    const { requestId, row } = await newRequest();
    for (const [i, minutes] of [0, 1].entries()) await expect(tryAt(row, minutes, i + 1)).rejects.toThrow(TransientDeliveryFailure);
    answer = () => ({ status: 503, body: 'maintenance' });
    await lenderIsBack();
    for (const [i, minutes] of [3, 7, 15].entries()) await expect(tryAt(row, minutes, i + 3)).rejects.toThrow(/HTTP 503/);

    const all = await timeline(requestId);
    expect(entries(all, 'delivery_failure').map((f) => [f.count, f.error, f.httpStatus])).toEqual([
      [2, 'connection failed (ECONNREFUSED)', null],
      [3, 'HTTP 503', 503],
    ]);
    expect(entries(all, 'message')).toEqual([expect.objectContaining({ status: 'failed', attempts: 5, httpStatus: 503, responseXml: 'maintenance' })]);
    // 15 minutes of it: the reason says what the partner answers.
    expect((await listEvents(deps.db, requestId)).find((e) => e.event === 'needs_attention')?.data.reason).toMatch(/^ISIL:DK-AWAY has not accepted the request for 15 minutes \(it answers HTTP 503\); delivery is retried until about /);
  });

  it('with the default policy (30 tries from 5 s, doubling to an hour) retries go on for about 20 hours', () => {
    expect(remainingRetryMs(1, { attempts: 30, firstRetryMs: 5000 }) / 3600_000).toBeCloseTo(20.4, 1);
  });
});
