/**
 * Bodies that are not text in any encoding we can tell (a NUL byte, UTF-16 nobody declared,
 * invalid UTF-8, a charset we do not read) at both protocol endpoints: answered as the
 * message's own, permanent fault (ISO 18626 BadlyFormedMessage with HTTP 400, NCIP Invalid
 * Message Syntax Error), in our words and never with SQL text, and recorded with every byte.
 * Declared or marked encodings are read, so such a message is processed like any other.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import pino from 'pino';
import request from 'supertest';
import { buildIso18626, parseIso18626, type ConfirmationMessage, type Request } from '../../protocols/iso18626';
import { buildNcip, parseNcip, schemeValue, type NcipMessage, type Problem } from '../../protocols/ncip';
import { createApp } from '../../src/http/app';
import { iso18626Router } from '../../src/http/iso18626';
import { ncipRouter } from '../../src/http/ncip';
import type { LifecycleDeps } from '../../src/services/pipeline/pipeline';
import { insertLibrary } from '../../src/store/libraries';
import { insertPartner } from '../../src/store/partners';
import { protocolMessages, requests } from '../../src/store/schema';
import { freshDatabase, type TestDatabase } from '../helpers/db';
import { validateAgainst } from '../helpers/xsd';

const LIMIT = 64 * 1024;
const agency = (value: string) => ({ agencyIdType: { value: 'ISIL' }, agencyIdValue: value });
const SQL_OR_DRIVER_TEXT = /select|insert|params|protocol_messages|\$1|Failed query|invalid byte sequence|0x00|22021|unsupported charset/i;

const loanRequest = (title = 'Solaris'): Request => ({
  kind: 'request',
  header: { supplyingAgencyId: agency('DK-L'), requestingAgencyId: agency('DK-P'), timestamp: '2026-11-26T10:00:00Z', requestingAgencyRequestId: `req-${randomUUID().slice(0, 8)}` },
  bibliographicInfo: { title },
  serviceInfo: { serviceType: 'Loan' },
});
const requestItem = (title = 'Solaris'): NcipMessage => ({
  messageType: 'RequestItem',
  initiationHeader: { fromAgencyId: { value: 'VUFIND' }, toAgencyId: { value: 'DK-L' } },
  userId: { userIdentifierValue: 'P-1' },
  bibliographicIds: [{ bibliographicItemId: { bibliographicItemIdentifier: '9780441478125', bibliographicItemIdentifierCode: { value: 'ISBN' } } }],
  requestType: schemeValue('requestType', 'Loan'),
  requestScopeType: schemeValue('requestScopeType', 'Bibliographic Item'),
  itemOptionalFields: { bibliographicDescription: { title } },
});

/** [case, bytes of a well-meant message, Content-Type, the reason the answer gives] */
function undecodableCases(xml: string): [string, Buffer, string, string][] {
  return [
    ['a NUL byte inside a value', Buffer.from(xml.replace('Solaris', 'Sol\u0000aris')), 'application/xml', 'the body contains a NUL character (U+0000)'],
    ['UTF-16 without a byte order mark or charset', Buffer.from(xml, 'utf16le'), 'application/xml', 'the body looks like UTF-16 (NUL bytes between ASCII characters)'],
    ['invalid UTF-8 (ISO-8859-1 sent undeclared)', Buffer.from(xml.replace('Solaris', 'Ærø'), 'latin1'), 'text/xml', 'the body is not valid UTF-8'],
    ['a charset this server does not read', Buffer.from(xml), 'application/xml; charset=x-klingon', 'the Content-Type charset "x-klingon" is not one this server reads'],
  ];
}

describe('bodies that cannot be read as text', () => {
  let database: TestDatabase;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    database = await freshDatabase();
    const deps: LifecycleDeps = { db: database.db, directory: database.directory, now: () => new Date('2026-11-26T10:00:05Z'), newId: randomUUID, supplierTimeoutMs: 3600_000 };
    app = createApp({ log: pino({ level: 'silent' }), bodyLimit: LIMIT, health: {}, protocolRouters: [iso18626Router(deps, LIMIT), ncipRouter(deps, LIMIT)] });
    await insertLibrary(database.db, { id: randomUUID(), symbol: 'ISIL:DK-L', name: 'Lending Library', settings: {} });
    await insertPartner(database.db, { id: randomUUID(), symbol: 'ISIL:DK-P', name: 'Partner', iso18626Url: 'http://127.0.0.1:9/iso18626', auth: {}, policies: {}, vendor: null, contactEmail: null, status: 'active' });
  });
  afterAll(() => database.close());

  /** The record of an inbound body, found by its bytes. */
  async function recordOf(protocol: 'iso18626' | 'ncip', bytes: Buffer) {
    const rows = await database.db.select().from(protocolMessages).where(and(eq(protocolMessages.protocol, protocol), eq(protocolMessages.direction, 'in')));
    return rows.find((r) => (r.parsed as { undecodable?: { base64?: string } } | null)?.undecodable?.base64 === bytes.toString('base64'));
  }

  describe('at POST /iso18626', () => {
    it.each(undecodableCases(buildIso18626(loanRequest())))('%s: BadlyFormedMessage with HTTP 400, recorded with every byte', async (_case, bytes, contentType, reason) => {
      const res = await request(app).post('/iso18626').set('Content-Type', contentType).send(bytes);
      expect(res.status).toBe(400);
      expect(await validateAgainst('iso18626', res.text)).toEqual({ valid: true, errors: [] });
      const confirmation = parseIso18626(res.text).message as ConfirmationMessage;
      expect(confirmation.errorData).toEqual({ errorType: 'BadlyFormedMessage', errorValue: expect.stringContaining(`ISO18626Message: ${reason}`) });
      expect(confirmation.errorData!.errorValue).not.toMatch(SQL_OR_DRIVER_TEXT);

      const record = await recordOf('iso18626', bytes);
      expect(record).toMatchObject({ status: 'rejected', httpStatus: 400, responseXml: res.text, error: expect.stringContaining(reason) });
      expect(record!.parsed).toEqual({ undecodable: { reason: expect.stringContaining(reason), base64: bytes.toString('base64') } });
      expect(record!.rawXml).toContain('ISO18626Message'); // readable by staff
      expect(record!.rawXml).not.toContain('\u0000');
    });

    it.each([
      ['UTF-16 with a byte order mark', (xml: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]), 'application/xml'],
      ['ISO-8859-1 named in the Content-Type', (xml: string) => Buffer.from(xml, 'latin1'), 'text/xml; charset=ISO-8859-1'],
      ['ISO-8859-1 named in the XML declaration', (xml: string) => Buffer.from(xml.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'), 'latin1'), 'application/xml'],
    ])('%s is read and processed', async (_case, encode, contentType) => {
      const message = loanRequest('Ærø og Æblet');
      const res = await request(app).post('/iso18626').set('Content-Type', contentType).send(encode(buildIso18626(message)));
      expect(res.status).toBe(200);
      expect((parseIso18626(res.text).message as ConfirmationMessage).confirmationHeader.messageStatus).toBe('OK');
      const [stored] = await database.db.select().from(requests).where(eq(requests.requestingAgencyRequestId, message.header.requestingAgencyRequestId));
      expect(stored?.data).toMatchObject({ bibliographic: { title: 'Ærø og Æblet' } });
    });
  });

  describe('at POST /ncip', () => {
    it.each(undecodableCases(buildNcip(requestItem())))('%s: Invalid Message Syntax Error, recorded with every byte', async (_case, bytes, contentType, reason) => {
      const res = await request(app).post('/ncip').set('Content-Type', contentType).send(bytes);
      expect(res.status).toBe(200);
      expect(await validateAgainst('ncip', res.text)).toEqual({ valid: true, errors: [] });
      const problem = (parseNcip(res.text) as { problems?: readonly Problem[] }).problems?.[0];
      expect(problem).toMatchObject({ problemType: { value: 'Invalid Message Syntax Error' }, problemDetail: expect.stringContaining(reason) });
      expect(res.text).not.toMatch(SQL_OR_DRIVER_TEXT);

      const record = await recordOf('ncip', bytes);
      expect(record).toMatchObject({ status: 'rejected', responseXml: res.text, error: expect.stringContaining('Invalid Message Syntax Error') });
      expect(record!.parsed).toEqual({ undecodable: { reason: expect.stringContaining(reason), base64: bytes.toString('base64') } });
    });

    it('reads UTF-16 with a byte order mark and creates the request', async () => {
      const bytes = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(buildNcip(requestItem('Ærø')), 'utf16le').swap16()]);
      const res = await request(app).post('/ncip').set('Content-Type', 'application/xml').send(bytes);
      expect(parseNcip(res.text).messageType).toBe('RequestItemResponse');
      expect((parseNcip(res.text) as { problems?: unknown }).problems).toBeUndefined();
    });
  });

  it('answers body-reading failures in our own words at both endpoints', async () => {
    const iso = await request(app).post('/iso18626').set('Content-Type', 'application/xml').set('Content-Encoding', 'x-squash').send('<a/>');
    expect(iso.status).toBe(400);
    expect((parseIso18626(iso.text).message as ConfirmationMessage).errorData?.errorValue).toBe('ISO18626Message: the Content-Encoding is not one this server reads; send the body uncompressed, or as gzip, deflate or br');
    const ncip = await request(app).post('/ncip').set('Content-Type', 'application/xml').set('Content-Encoding', 'gzip').send('not gzip at all');
    const problem = (parseNcip(ncip.text) as { problems?: readonly Problem[] }).problems?.[0];
    expect(problem).toMatchObject({ problemType: { value: 'Invalid Message Syntax Error' }, problemDetail: 'the body cannot be read (a compressed body that does not decompress, or a broken transfer)' });
  });
});
