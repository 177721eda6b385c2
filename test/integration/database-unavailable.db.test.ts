/**
 * What callers get when the database is unavailable, and when something else of ours fails:
 * partners an answer in their protocol that says "try again" (never a 4xx, which a sender takes
 * as final), staff a 503 problem, operators a readiness probe naming the database; and no one
 * any SQL, driver or stack text. The database is closed under a running app, which both drivers
 * report as unavailable (PGlite "is closed", node-postgres' ended pool); test/e2e/database-outage
 * cuts a real PostgreSQL connection.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import request from 'supertest';
import { RECEIVER_FAILURE_ERROR_TYPE, buildIso18626, parseIso18626, type ConfirmationMessage, type Request, type SupplyingAgencyMessage } from '../../protocols/iso18626';
import { buildNcip, parseNcip, schemeValue, type NcipMessage, type Problem } from '../../protocols/ncip';
import { createApp } from '../../src/http/app';
import { apiRouter } from '../../src/http/api';
import { INTERNAL_FAILURE as ISO_INTERNAL_FAILURE, TEMPORARILY_UNAVAILABLE as ISO_UNAVAILABLE, iso18626Router } from '../../src/http/iso18626';
import { INTERNAL_FAILURE as NCIP_INTERNAL_FAILURE, TEMPORARILY_UNAVAILABLE as NCIP_UNAVAILABLE, ncipRouter } from '../../src/http/ncip';
import { createApiKey } from '../../src/services/access/api-keys';
import type { LifecycleDeps } from '../../src/services/pipeline/pipeline';
import { insertLibrary } from '../../src/store/libraries';
import { insertPartner } from '../../src/store/partners';
import { freshDatabase, type TestDatabase } from '../helpers/db';
import { validateAgainst } from '../helpers/xsd';

const LIMIT = 64 * 1024;
const log = pino({ level: 'silent' });
const agency = (value: string) => ({ agencyIdType: { value: 'ISIL' }, agencyIdValue: value });
/** Words of SQL, of the drivers and of stack traces: none may reach a partner or a client. */
const INTERNAL_TEXT = /select|insert|params|protocol_messages|\$1|Failed query|PGlite|pool|ECONN|Connection terminated|secret internal detail|at .*\.ts|Error:/i;

function appOn(database: TestDatabase, deps: LifecycleDeps) {
  return createApp({
    log,
    bodyLimit: LIMIT,
    health: { database: () => database.ping() },
    protocolRouters: [iso18626Router(deps, LIMIT), ncipRouter(deps, LIMIT)],
    routers: [apiRouter({ ...deps, mailFrom: 'ill@localhost' })],
  });
}

const loanRequest = (id = `req-${randomUUID().slice(0, 8)}`): Request => ({
  kind: 'request',
  header: { supplyingAgencyId: agency('DK-L'), requestingAgencyId: agency('DK-P'), timestamp: '2026-11-26T10:00:00Z', requestingAgencyRequestId: id },
  bibliographicInfo: { title: 'Solaris' },
  serviceInfo: { serviceType: 'Loan' },
});
const shipped = (id: string): SupplyingAgencyMessage => ({
  kind: 'supplyingAgencyMessage',
  header: { supplyingAgencyId: agency('DK-P'), requestingAgencyId: agency('DK-L'), timestamp: '2026-11-26T10:00:00Z', requestingAgencyRequestId: id },
  messageInfo: { reasonForMessage: 'StatusChange' },
  statusInfo: { status: 'Loaned', lastChange: '2026-11-26T10:00:00Z' },
});
const lookupVersion: NcipMessage = { messageType: 'LookupVersion', fromAgencyId: { value: 'VUFIND' }, toAgencyId: { value: 'DK-L' } };
const requestItem: NcipMessage = {
  messageType: 'RequestItem',
  initiationHeader: { fromAgencyId: { value: 'VUFIND' }, toAgencyId: { value: 'DK-L' } },
  userId: { userIdentifierValue: 'P-1' },
  bibliographicIds: [{ bibliographicItemId: { bibliographicItemIdentifier: '9780441478125', bibliographicItemIdentifierCode: { value: 'ISBN' } } }],
  requestType: schemeValue('requestType', 'Loan'),
  requestScopeType: schemeValue('requestScopeType', 'Bibliographic Item'),
};

async function confirmationOf(text: string): Promise<ConfirmationMessage> {
  expect(await validateAgainst('iso18626', text)).toEqual({ valid: true, errors: [] });
  return parseIso18626(text).message as ConfirmationMessage;
}
async function problemOf(text: string): Promise<{ messageType: string; problem: Problem }> {
  expect(await validateAgainst(text.includes('NCIPVersionMessage') ? 'ncipVersion' : 'ncip', text)).toEqual({ valid: true, errors: [] });
  const message = parseNcip(text) as NcipMessage & { problems?: readonly Problem[] };
  return { messageType: message.messageType, problem: message.problems![0]! };
}

describe('while the database is unavailable', () => {
  let database: TestDatabase;
  let app: ReturnType<typeof createApp>;
  let staffKey: string;

  beforeAll(async () => {
    database = await freshDatabase();
    const deps: LifecycleDeps = { db: database.db, directory: database.directory, now: () => new Date('2026-11-26T10:00:05Z'), newId: randomUUID, supplierTimeoutMs: 3600_000 };
    app = appOn(database, deps);
    await insertLibrary(database.db, { id: randomUUID(), symbol: 'ISIL:DK-L', name: 'Lending Library', settings: {} });
    await insertPartner(database.db, { id: randomUUID(), symbol: 'ISIL:DK-P', name: 'Partner', iso18626Url: 'http://127.0.0.1:9/iso18626', auth: {}, policies: {}, vendor: null, contactEmail: null, status: 'active' });
    staffKey = `Bearer ${(await createApiKey(deps, { name: 'staff', role: 'staff' })).key}`;
    // Everything above worked; from here on the database is gone.
    await database.close();
  });

  it('answers a valid ISO 18626 request with HTTP 503 and an ERROR confirmation that says only "temporarily unavailable"', async () => {
    const message = loanRequest();
    const res = await request(app).post('/iso18626').set('Content-Type', 'application/xml').send(buildIso18626(message));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('10');
    expect(await confirmationOf(res.text)).toEqual({
      kind: 'requestConfirmation',
      confirmationHeader: expect.objectContaining({ messageStatus: 'ERROR', requestingAgencyRequestId: message.header.requestingAgencyRequestId, timestampReceived: message.header.timestamp, requestingAgencyId: agency('DK-P') }),
      errorData: { errorType: RECEIVER_FAILURE_ERROR_TYPE, errorValue: ISO_UNAVAILABLE },
    });
    expect(res.text).not.toMatch(INTERNAL_TEXT);
  });

  it('answers every other kind of message in its own confirmation, also with 503', async () => {
    const res = await request(app).post('/iso18626').set('Content-Type', 'text/xml').send(buildIso18626(shipped('req-1')));
    expect(res.status).toBe(503);
    expect(await confirmationOf(res.text)).toMatchObject({
      kind: 'supplyingAgencyMessageConfirmation',
      reasonForMessage: 'StatusChange',
      errorData: { errorType: RECEIVER_FAILURE_ERROR_TYPE, errorValue: ISO_UNAVAILABLE },
    });
  });

  it('answers NCIP with a Temporary Processing Failure Problem, inside the response of the service asked for', async () => {
    for (const [message, responseType] of [
      [requestItem, 'RequestItemResponse'],
      [lookupVersion, 'Problem'],
    ] as const) {
      const res = await request(app).post('/ncip').set('Content-Type', 'application/xml').send(buildNcip(message));
      expect(res.status).toBe(200);
      const { messageType, problem } = await problemOf(res.text);
      expect(messageType).toBe(responseType);
      expect(problem).toMatchObject({ problemType: { value: 'Temporary Processing Failure' }, problemDetail: NCIP_UNAVAILABLE });
      expect(res.text).not.toMatch(INTERNAL_TEXT);
    }
  });

  it('answers the staff API with 503 problem+json and Retry-After', async () => {
    const res = await request(app).get('/api/v1/requests').set('Authorization', staffKey);
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('10');
    expect(JSON.parse(res.text)).toEqual({ type: '/problems/unavailable', title: 'Service Unavailable', status: 503, detail: 'The database is unavailable; try again shortly', instance: '/api/v1/requests' });
  });

  it('reports itself not ready, naming the database', async () => {
    const res = await request(app).get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'unavailable', checks: { database: { status: 'down', error: expect.stringMatching(/^the database is unavailable: /) } } });
  });
});

describe('when something else of ours fails', () => {
  let database: TestDatabase;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    database = await freshDatabase();
    const deps: LifecycleDeps = {
      db: database.db,
      directory: database.directory,
      now: () => new Date('2026-11-26T10:00:05Z'),
      newId: () => {
        throw new Error('secret internal detail at src/store/messages.ts:12');
      },
      supplierTimeoutMs: 3600_000,
    };
    app = appOn(database, deps);
  });
  afterAll(() => database.close());

  it('answers ISO 18626 with HTTP 500 and an ERROR confirmation saying an internal error happened, never what it was', async () => {
    const message = loanRequest();
    const res = await request(app).post('/iso18626').set('Content-Type', 'application/xml').send(buildIso18626(message));
    expect(res.status).toBe(500);
    expect(await confirmationOf(res.text)).toMatchObject({
      kind: 'requestConfirmation',
      confirmationHeader: { messageStatus: 'ERROR', requestingAgencyRequestId: message.header.requestingAgencyRequestId },
      errorData: { errorType: RECEIVER_FAILURE_ERROR_TYPE, errorValue: ISO_INTERNAL_FAILURE },
    });
    expect(res.text).not.toMatch(INTERNAL_TEXT);
  });

  it('answers NCIP with a Problem that holds none of the internal text', async () => {
    const res = await request(app).post('/ncip').set('Content-Type', 'application/xml').send(buildNcip(requestItem));
    expect(res.status).toBe(200);
    const { messageType, problem } = await problemOf(res.text);
    expect(messageType).toBe('RequestItemResponse');
    expect(problem).toMatchObject({ problemType: { value: 'Temporary Processing Failure' }, problemDetail: NCIP_INTERNAL_FAILURE });
    expect(res.text).not.toMatch(INTERNAL_TEXT);
  });
});
