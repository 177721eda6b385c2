/**
 * Delivering one outbox row to a partner over real HTTP on loopback: what counts as delivered,
 * what is retried, and what is final.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { buildIso18626, confirmationFor, dateTimeToDate, parseIso18626, rejection, type InboundMessage } from '../../protocols/iso18626';
import { PermanentJobFailure } from '../../src/jobs';
import { createBorrowingRequest, parseBorrowingRequest } from '../../src/services/borrowing/borrowing';
import { deliverOutboxRow, TransientDeliveryFailure, type DeliveryDeps } from '../../src/services/iso18626/delivery';
import { insertLibrary } from '../../src/store/libraries';
import { getOutboxRow, type OutboxRow } from '../../src/store/outbox';
import { insertPartner } from '../../src/store/partners';
import { getRequest } from '../../src/store/requests';
import { outbox, protocolMessages } from '../../src/store/schema';
import { freshDatabase, type TestDatabase } from '../helpers/db';
import { validateAgainst } from '../helpers/xsd';

type Answer = (body: string) => { status: number; body: string; delayMs?: number };

describe('delivering a message to a partner', () => {
  let database: TestDatabase;
  let deps: DeliveryDeps;
  let server: Server;
  let answer: Answer;
  const received: { body: string; headers: Record<string, string | string[] | undefined> }[] = [];
  let libraryId: string;

  beforeAll(async () => {
    database = await freshDatabase();
    deps = { db: database.db, directory: database.directory, now: () => new Date(), newId: randomUUID, supplierTimeoutMs: 3600_000, timeoutMs: 300 };
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ body, headers: req.headers });
        const { status, body: out, delayMs } = answer(body);
        setTimeout(() => res.writeHead(status, { 'Content-Type': 'application/xml' }).end(out), delayMs ?? 0);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/iso18626`;
    libraryId = randomUUID();
    await insertLibrary(database.db, { id: libraryId, symbol: 'ISIL:DK-H', name: 'Home Library', settings: {} });
    const partner = (symbol: string, iso18626Url: string | null) =>
      insertPartner(database.db, {
        id: randomUUID(),
        symbol,
        name: symbol,
        iso18626Url,
        auth: { outbound: { securityCode: 'h-secret', httpHeaders: { 'X-Api-Key': 'k-123' } } },
        policies: {},
        vendor: null,
        contactEmail: null,
        status: 'active',
      });
    await partner('ISIL:DK-S1', url);
    await partner('ISIL:DK-S2', url);
    await partner('ISIL:DK-NOWHERE', null);
  });
  afterAll(async () => {
    server.close();
    await database.close();
  });
  beforeEach(() => {
    received.length = 0;
    answer = (body) => ({ status: 200, body: buildIso18626(confirmationFor(parseIso18626(body).message as InboundMessage, new Date())) });
  });

  /** A new borrowing request and its first outbox row (the `request` to the first supplier). */
  async function firstDelivery(candidates = ['ISIL:DK-S1', 'ISIL:DK-S2']): Promise<{ requestId: string; row: OutboxRow }> {
    const request = await createBorrowingRequest(deps, libraryId, parseBorrowingRequest({ bibliographic: { title: 'Kindred' }, patron: { id: 'P-1' }, candidates: candidates.map((symbol) => ({ symbol })) }), 'staff:test', { channel: 'staff' });
    const [row] = (await database.db.select().from(outbox).where(eq(outbox.requestId, request.id))).filter((r) => r.queue === 'delivery');
    return { requestId: request.id, row: row! };
  }
  const attempts = (requestId: string) => database.db.select().from(protocolMessages).where(eq(protocolMessages.requestId, requestId));

  it('posts a schema-valid message with the partner’s credentials and records the confirmation', async () => {
    const { requestId, row } = await firstDelivery();
    await deliverOutboxRow(deps, row);
    expect(received).toHaveLength(1);
    expect(await validateAgainst('iso18626', received[0]!.body)).toEqual({ valid: true, errors: [] });
    expect(received[0]!.headers['x-api-key']).toBe('k-123');
    const sent = parseIso18626(received[0]!.body).message as InboundMessage;
    expect(sent).toMatchObject({ kind: 'request', header: { requestingAgencyAuthentication: { securityCode: 'h-secret' } } });
    // Stamped with the outbox row's time, not the attempt's.
    expect(dateTimeToDate(sent.header.timestamp).getTime()).toBe(row.createdAt.getTime());
    expect((await attempts(requestId)).map((m) => [m.direction, m.status, m.httpStatus])).toEqual([['out', 'confirmed', 200]]);
  });

  it('sends the same bytes on every retry, so a partner can recognise a duplicate', async () => {
    const { row } = await firstDelivery();
    await deliverOutboxRow(deps, row);
    await deliverOutboxRow(deps, row);
    expect(received[1]!.body).toBe(received[0]!.body);
  });

  it.each([
    ['a 503', () => ({ status: 503, body: 'maintenance' }), /HTTP 503/],
    ['garbage', () => ({ status: 200, body: '<html>oops</html>' }), /not ISO 18626/],
    ['no answer in time', () => ({ status: 200, body: '', delayMs: 1000 }), /no answer within 300 ms/],
  ])('retries after %s, recording the attempt', async (_name, reply, why) => {
    answer = reply as Answer;
    const { requestId, row } = await firstDelivery();
    await expect(deliverOutboxRow(deps, row)).rejects.toThrow(TransientDeliveryFailure);
    const [attempt] = await attempts(requestId);
    expect(attempt).toMatchObject({ status: 'failed' });
    expect(attempt!.error).toMatch(why);
    expect((await getRequest(deps.db, requestId))?.state).toBe('sent_to_supplier');
  });

  it('retries when the partner refuses the connection', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await database.directory.write((db) => insertPartner(db, { id: randomUUID(), symbol: 'ISIL:DK-DOWN', name: 'down', iso18626Url: `http://127.0.0.1:${port}/iso18626`, auth: {}, policies: {}, vendor: null, contactEmail: null, status: 'active' }));
    const { row } = await firstDelivery(['ISIL:DK-DOWN']);
    await expect(deliverOutboxRow(deps, row)).rejects.toThrow(/connection failed \(ECONNREFUSED\)/);
  });

  it('moves to the next supplier when the first answers the request with ERROR', async () => {
    answer = (body) => ({ status: 200, body: buildIso18626(rejection(parseIso18626(body).message as InboundMessage, 'UnrecognisedDataValue', 'header.supplyingAgencyId: not here', new Date())) });
    const { requestId, row } = await firstDelivery();
    await deliverOutboxRow(deps, row);
    const moved = await getRequest(deps.db, requestId);
    expect(moved).toMatchObject({ state: 'sent_to_supplier', data: { lifecycle: { rotaIndex: 1 } } });
    expect((await attempts(requestId))[0]).toMatchObject({ status: 'refused', error: 'UnrecognisedDataValue header.supplyingAgencyId: not here' });
  });

  it('moves on at once when the supplier has no ISO 18626 address', async () => {
    const { requestId, row } = await firstDelivery(['ISIL:DK-NOWHERE', 'ISIL:DK-S1']);
    await deliverOutboxRow(deps, row);
    expect(received).toHaveLength(0);
    expect((await getRequest(deps.db, requestId))?.data).toMatchObject({ lifecycle: { rotaIndex: 1 } });
  });

  it('treats an ERROR answer to any other message as final, for staff to see', async () => {
    const { requestId, row } = await firstDelivery(['ISIL:DK-S1']);
    await deliverOutboxRow(deps, row);
    const cancelRow: OutboxRow = { ...row, id: randomUUID(), payload: { to: 'ISIL:DK-S1', message: { kind: 'requestingAgencyMessage', action: 'Cancel' } } };
    answer = (body) => ({ status: 200, body: buildIso18626(rejection(parseIso18626(body).message as InboundMessage, 'UnsupportedActionType', 'too late', new Date())) });
    await expect(deliverOutboxRow(deps, cancelRow)).rejects.toThrow(PermanentJobFailure);
    await expect(deliverOutboxRow(deps, cancelRow)).rejects.toThrow(/requestingAgencyMessage \(Cancel\) not delivered: ISIL:DK-S1 answered ERROR: UnsupportedActionType too late/);
    expect((await getOutboxRow(deps.db, row.id))?.id).toBe(row.id);
    expect((await getRequest(deps.db, requestId))?.state).toBe('sent_to_supplier');
  });
});
