/**
 * Conformance per partner and the peer self-test, against a partner that deviates on purpose: a
 * small ISO 18626 peer on loopback whose confirmations and messages carry the shapes real peers
 * send (an unqualified version attribute, `+0000` offsets, an empty status), that answers late or
 * not at all, and sends statuses out of order.
 *
 * Two instances share the database: the staff API runs on one, POST /iso18626 on the other, so
 * the instance running a self-test finds the partner's messages through the database.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import request from 'supertest';
import { buildIso18626, confirmationFor, parseIso18626, type InboundMessage, type Request, type SupplyingAgencyMessage } from '../../../protocols/iso18626';
import { createApp } from '../../../src/http/app';
import { apiRouter } from '../../../src/http/api';
import { iso18626Router } from '../../../src/http/iso18626';
import { createApiKey } from '../../../src/services/access/api-keys';
import type { LifecycleDeps } from '../../../src/services/pipeline/pipeline';
import { insertLibrary } from '../../../src/store/libraries';
import { insertPartner } from '../../../src/store/partners';
import { protocolMessages, requests } from '../../../src/store/schema';
import { freshDatabase, type TestDatabase } from '../../helpers/db';
import { validateAgainst } from '../../helpers/xsd';

const LIMIT = 64 * 1024;
const DAY = 86_400_000;
const agency = (value: string) => ({ agencyIdType: { value: 'ISIL' }, agencyIdValue: value });

/** The deviations real peers' messages carry, applied to a schema-valid message. */
const deviate = {
  unqualifiedVersion: (xml: string) => xml.replace('ill:version="1.2"', 'version="1.2"'),
  compactOffsets: (xml: string) => xml.replace(/(<timestamp(?:Received)?>[^<]*?)Z</g, '$1+0000<'),
  emptyStatus: (xml: string) => xml.replace(/<status>[^<]*<\/status>/, '<status/>'),
};
const applied = (xml: string, ...fixes: ((xml: string) => string)[]) => fixes.reduce((x, f) => f(x), xml);

type Answer = { status?: number; body: string } | 'hang';

/** What the fake partner does; each test sets its own. */
interface PeerScript {
  answer(message: InboundMessage, confirmation: string): Answer;
  /** The messages it sends us after answering, in order (as XML, deviations applied). */
  after?(message: InboundMessage): string[];
}

/** A partner on loopback: answers what it receives as its script says, then posts its messages to `ours` one after another. */
class DeviatingPeer {
  server!: Server;
  url = '';
  ours = '';
  script: PeerScript = { answer: (_m, c) => ({ body: c }) };
  received: InboundMessage[] = [];
  /** The bodies as they came, to check them against the schemas. */
  bodies: string[] = [];
  /** Our confirmations of its messages. */
  answers: string[] = [];
  private chain: Promise<void> = Promise.resolve();
  private hung: ServerResponse[] = [];

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/iso18626`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    const message = parseIso18626(body).message as InboundMessage;
    this.received.push(message);
    this.bodies.push(body);
    const answer = this.script.answer(message, buildIso18626(confirmationFor(message, new Date())));
    if (answer === 'hang') {
      this.hung.push(res);
      return;
    }
    res.writeHead(answer.status ?? 200, { 'Content-Type': 'application/xml' }).end(answer.body);
    const next = this.script.after?.(message) ?? [];
    this.chain = this.chain.then(async () => {
      for (const xml of next) {
        const sent = await fetch(this.ours, { method: 'POST', headers: { 'Content-Type': 'application/xml' }, body: xml });
        this.answers.push(await sent.text());
      }
    });
  }

  /** Until every message it meant to send has been answered. */
  settled(): Promise<void> {
    return this.chain;
  }

  async stop(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('conformance per partner and the peer self-test', () => {
  let database: TestDatabase;
  let shift = 0;
  let staffApp: ReturnType<typeof createApp>;
  let protocolServer: Server;
  let ours: string;
  const peer = new DeviatingPeer();
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    database = await freshDatabase();
    const lifecycle: LifecycleDeps = { db: database.db, directory: database.directory, now: () => new Date(Date.now() + shift), newId: randomUUID, supplierTimeoutMs: 3600_000 };
    const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
    // Two instances on one database: the staff API on one, POST /iso18626 on the other.
    staffApp = createApp({ log, bodyLimit: LIMIT, health: {}, routers: [apiRouter({ ...lifecycle, timeoutMs: 5000, selfTestPollMs: 50 }, { checkAnswers: true })] });
    const protocolApp = createApp({ log, bodyLimit: LIMIT, health: {}, protocolRouters: [iso18626Router(lifecycle, LIMIT)] });
    protocolServer = await new Promise<Server>((resolve) => {
      const s = protocolApp.listen(0, '127.0.0.1', () => resolve(s));
    });
    ours = `http://127.0.0.1:${(protocolServer.address() as AddressInfo).port}/iso18626`;
    await peer.start();
    peer.ours = ours;
    const a = randomUUID();
    await insertLibrary(database.db, { id: a, symbol: 'ISIL:DK-100', name: 'Main Library', settings: {} });
    await insertLibrary(database.db, { id: randomUUID(), symbol: 'ISIL:DK-200', name: 'Branch Library', settings: {} });
    const partner = (symbol: string, url: string | null, protocolVersion: '1.2' | '2021' = '1.2') =>
      insertPartner(database.db, { id: randomUUID(), symbol, name: `Partner ${symbol}`, iso18626Url: url, auth: {}, policies: {}, vendor: null, contactEmail: null, status: 'active', protocolVersion });
    await partner('ISIL:DK-P', peer.url);
    await partner('ISIL:DK-P21', peer.url, '2021');
    await partner('ISIL:DK-Q', 'http://127.0.0.1:9/iso18626');
    await partner('ISIL:DK-R', null);
    for (const [name, role, library] of [
      ['admin', 'admin'],
      ['adminA', 'admin', 'ISIL:DK-100'],
      ['staff', 'staff'],
      ['staffA', 'staff', 'ISIL:DK-100'],
      ['readOnly', 'read-only'],
    ] as const) {
      keys[name] = `Bearer ${(await createApiKey(lifecycle, { name, role, ...(library ? { library } : {}) })).key}`;
    }
  });
  afterAll(async () => {
    await peer.stop();
    protocolServer.closeAllConnections();
    await new Promise<void>((resolve) => protocolServer.close(() => resolve()));
    await database.close();
  });

  const postXml = async (xml: string) => {
    const res = await request(protocolServer).post('/iso18626').set('Content-Type', 'application/xml').send(xml);
    expect(await validateAgainst('iso18626', res.text)).toEqual({ valid: true, errors: [] });
    return res;
  };
  // Every message stamped later than the one before, as a partner's clock would.
  let stamped = 0;
  const header = (from: string, to: string, requestId: string) => ({ supplyingAgencyId: agency(to), requestingAgencyId: agency(from), timestamp: new Date(Date.now() + shift + ++stamped).toISOString(), requestingAgencyRequestId: requestId });
  const loanRequest = (from: string, requestId = `req-${randomUUID().slice(0, 8)}`): Request => ({
    kind: 'request',
    header: header(from, 'DK-100', requestId),
    bibliographicInfo: { title: 'Solaris' },
    serviceInfo: { serviceType: 'Loan' },
  });
  const sam = (requestId: string, status: SupplyingAgencyMessage['statusInfo']['status'], reasonForMessage: SupplyingAgencyMessage['messageInfo']['reasonForMessage'], extra: Partial<SupplyingAgencyMessage['messageInfo']> = {}): SupplyingAgencyMessage => ({
    kind: 'supplyingAgencyMessage',
    header: { ...header('DK-100', 'DK-P', requestId), supplyingAgencyId: agency('DK-P'), requestingAgencyId: agency('DK-100') },
    messageInfo: { reasonForMessage, ...extra },
    statusInfo: { status, lastChange: new Date().toISOString() },
  });
  const from = (supplier: string, message: SupplyingAgencyMessage): SupplyingAgencyMessage => ({ ...message, header: { ...message.header, supplyingAgencyId: agency(supplier) } });
  const api = (method: 'get' | 'post', path: string, key = keys.staff!) => request(staffApp)[method](`/api/v1${path}`).set('Authorization', key);

  describe('GET /partners/{symbol}/conformance and GET /conformance', () => {
    beforeAll(async () => {
      // Forty days ago, outside the default window: one request with an unqualified version.
      shift = -40 * DAY;
      await postXml(applied(buildIso18626(loanRequest('DK-P')), deviate.unqualifiedVersion));
      shift = 0;
      // Three requests with an unqualified version, one of them with +0000 offsets too.
      await postXml(applied(buildIso18626(loanRequest('DK-P')), deviate.unqualifiedVersion));
      await postXml(applied(buildIso18626(loanRequest('DK-P')), deviate.unqualifiedVersion));
      await postXml(applied(buildIso18626(loanRequest('DK-P', 'the-latest-offset')), deviate.unqualifiedVersion, deviate.compactOffsets));
      // A status message with an empty status about a request we do not have: warned and refused.
      await postXml(applied(buildIso18626(sam('no-such-request', 'ExpectToSupply', 'StatusChange')), deviate.emptyStatus));
      // A request with an empty id: refused.
      await postXml(buildIso18626(loanRequest('DK-P', '')));
      // A request that is not one (no bibliographicInfo): refused (UnrecognisedDataElement), and still counted for DK-P.
      await postXml(buildIso18626(loanRequest('DK-P')).replace(/<bibliographicInfo>[\s\S]*<\/bibliographicInfo>/, ''));
      // DK-Q keeps to the standard.
      await postXml(buildIso18626(loanRequest('DK-Q')));
    });

    it('counts each kind of deviation of a partner over the last 30 days, with its description and latest example', async () => {
      const res = await api('get', '/partners/isil:dk-p/conformance');
      expect(res.status).toBe(200);
      const report = res.body;
      expect(report).toMatchObject({ partner: { symbol: 'ISIL:DK-P', name: 'Partner ISIL:DK-P' }, received: 6, refused: 3, deviating: 6 });
      expect(new Date(report.until).getTime() - new Date(report.since).getTime()).toBe(30 * DAY);
      const byCode = Object.fromEntries(report.deviations.map((d: { kind: string; code: string }) => [`${d.kind}:${d.code}`, d]));
      expect(Object.keys(byCode).sort()).toEqual(['refused:UnrecognisedDataElement', 'refused:UnrecognisedDataValue', 'warning:compact-offset', 'warning:empty-status', 'warning:unqualified-attribute'].sort());
      expect(byCode['warning:unqualified-attribute']).toMatchObject({ messages: 3, occurrences: 3, description: expect.stringMatching(/namespace prefix/) });
      expect(byCode['warning:compact-offset']).toMatchObject({ messages: 1, description: expect.stringContaining('+0000') });
      expect(byCode['warning:empty-status']).toMatchObject({ messages: 1, latest: { path: 'supplyingAgencyMessage.statusInfo.status' } });
      expect(byCode['refused:UnrecognisedDataValue']).toMatchObject({ messages: 2, description: expect.stringMatching(/^refused: a value/) });
      expect(byCode['refused:UnrecognisedDataElement']).toMatchObject({ messages: 1, latest: { path: expect.stringContaining('request'), httpStatus: 200 } });
      // The latest example is the message itself, as received.
      const latest = byCode['warning:compact-offset'].latest;
      expect(latest).toMatchObject({ path: 'request.header.timestamp', rawXmlTruncated: false, rawXml: expect.stringContaining('<requestingAgencyRequestId>the-latest-offset<'), answerXml: expect.stringContaining('requestConfirmation') });
      const [stored] = await database.db.select().from(protocolMessages).where(eq(protocolMessages.id, latest.messageId));
      expect(stored?.rawXml).toBe(latest.rawXml);
      expect(report.summary).toMatch(/^unqualified-attribute ×3, refused UnrecognisedDataValue ×2, /);
      // Most frequent first.
      expect(report.deviations.map((d: { messages: number }) => d.messages)).toEqual([...report.deviations.map((d: { messages: number }) => d.messages)].sort((x: number, y: number) => y - x));
    });

    it('counts a past window again from the stored messages', async () => {
      const since = new Date(Date.now() - 41 * DAY).toISOString();
      const until = new Date(Date.now() - 39 * DAY).toISOString();
      const res = await api('get', `/partners/ISIL:DK-P/conformance?since=${since}&until=${until}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ received: 1, refused: 0, deviating: 1, summary: 'unqualified-attribute ×1' });
    });

    it('lists every partner, the most deviating first', async () => {
      const res = await api('get', '/conformance');
      expect(res.status).toBe(200);
      expect(res.body.partners.map((p: { partner: { symbol: string }; received: number; deviating: number }) => [p.partner.symbol, p.received, p.deviating])).toEqual([
        ['ISIL:DK-P', 6, 6],
        ['ISIL:DK-Q', 1, 0],
        ['ISIL:DK-P21', 0, 0],
        ['ISIL:DK-R', 0, 0],
      ]);
      expect(res.body.partners[1].summary).toBe('no deviations');
    });

    it('is for staff and admins; a library’s key sees the partners as the directory does', async () => {
      expect((await api('get', '/conformance', keys.readOnly)).status).toBe(403);
      // A library's key: the same counts, but no message text (the messages may be another library's).
      const scoped = (await api('get', '/partners/ISIL:DK-P/conformance', keys.staffA)).body;
      expect(scoped).toMatchObject({ received: 6 });
      for (const d of scoped.deviations) {
        expect(d.latest).toMatchObject({ messageId: expect.any(String), rawXmlWithheld: true });
        expect(d.latest.rawXml).toBeUndefined();
        expect(d.latest.answerXml).toBeUndefined();
      }
      expect((await api('get', '/partners/ISIL:DK-NOPE/conformance', keys.admin)).status).toBe(404);
      const backwards = await api('get', `/conformance?since=${new Date().toISOString()}&until=${new Date(Date.now() - DAY).toISOString()}`);
      expect(backwards.status).toBe(400);
      expect((await api('get', '/conformance?since=yesterday')).status).toBe(400);
    });
  });

  describe('POST /partners/{symbol}/self-test', () => {
    const deviating = (xml: string) => applied(xml, deviate.unqualifiedVersion, deviate.compactOffsets);
    const requestsRows = async () => (await database.db.select().from(requests)).length;

    it('sends a marked test request and a cancel, and reports the deviating confirmations and the messages that came back', async () => {
      peer.received = [];
      peer.script = {
        answer: (_m, confirmation) => ({ body: deviating(confirmation) }),
        after: (m) =>
          m.kind === 'request'
            ? [buildIso18626(sam(m.header.requestingAgencyRequestId, 'ExpectToSupply', 'RequestResponse'))]
            : [deviating(buildIso18626(sam(m.header.requestingAgencyRequestId, 'Cancelled', 'CancelResponse', { answerYesNo: 'Y' })))],
      };
      const before = await requestsRows();
      const res = await api('post', '/partners/ISIL:DK-P/self-test', keys.admin).send({ fromLibrary: 'ISIL:DK-100', waitSeconds: 60 });
      expect(res.status).toBe(200);
      const report = res.body;
      // What the partner got: a request that says it is a test, then a cancel of it.
      const [sent, cancel] = peer.received;
      expect(sent).toMatchObject({ kind: 'request', header: { requestingAgencyRequestId: expect.stringMatching(/^SELFTEST-/) }, bibliographicInfo: { title: expect.stringMatching(/SELF-TEST - DO NOT SUPPLY/) } });
      expect((sent as Request).serviceInfo?.note).toMatch(/Do not supply/);
      expect(cancel).toMatchObject({ kind: 'requestingAgencyMessage', action: 'Cancel', header: { requestingAgencyRequestId: sent!.header.requestingAgencyRequestId } });
      expect(report).toMatchObject({ partner: 'ISIL:DK-P', endpoint: peer.url, fromLibrary: 'ISIL:DK-100', requestingAgencyRequestId: sent!.header.requestingAgencyRequestId });
      for (const check of [report.request, report.cancel]) {
        expect(check).toMatchObject({ outcome: 'confirmed', inTime: true, messageStatus: 'OK', schemaValid: false });
        expect(check.warnings.map((w: { code: string }) => w.code).sort()).toEqual(['compact-offset', 'compact-offset', 'unqualified-attribute']);
      }
      expect(report.messages).toEqual([
        expect.objectContaining({ reasonForMessage: 'RequestResponse', status: 'ExpectToSupply', schemaValid: true }),
        expect.objectContaining({ reasonForMessage: 'CancelResponse', status: 'Cancelled', answerYesNo: 'Y', schemaValid: false }),
      ]);
      expect(report).toMatchObject({ statusOrder: { allowed: true, problems: [] }, cancelAnswered: true, passed: false });
      expect(report.findings).toEqual([
        expect.stringMatching(/^The test request was confirmed OK in \d+ ms, not schema-valid \(unqualified-attribute at ISO18626Message, compact-offset at requestConfirmation\.confirmationHeader\.timestamp/),
        expect.stringMatching(/^The cancel was confirmed OK/),
        'ISIL:DK-P sent 2 messages about the test: ExpectToSupply (RequestResponse), Cancelled (CancelResponse, Y).',
        expect.stringMatching(/^Its CancelResponse message deviates from the schema: unqualified-attribute/),
        'Its statuses came in an order the standard allows.',
      ]);
      // Its messages were answered OK, and no request was made or touched.
      await peer.settled();
      expect(peer.answers.slice(-2).map((a) => (parseIso18626(a).message as { confirmationHeader: { messageStatus: string } }).confirmationHeader.messageStatus)).toEqual(['OK', 'OK']);
      expect(await requestsRows()).toBe(before);
      // The partner's messages count in its conformance like any other.
      const conformance = await api('get', '/partners/ISIL:DK-P/conformance');
      expect(conformance.body.deviations.find((d: { code: string }) => d.code === 'unqualified-attribute').latest.messageId).toBe(report.messages[1].messageId);
    });

    it('speaks to a partner set to ISO 18626:2021 in that revision, and judges its 2021 answers by it', async () => {
      peer.received = [];
      peer.bodies = [];
      peer.script = {
        answer: (m) => ({ body: buildIso18626(confirmationFor(m, new Date()), { version: '2021' }) }),
        after: (m) => (m.kind === 'request' ? [] : [buildIso18626(from('DK-P21', sam(m.header.requestingAgencyRequestId, 'Cancelled', 'CancelResponse', { answerYesNo: 'Y' })), { version: '2021' })]),
      };
      const res = await api('post', '/partners/ISIL:DK-P21/self-test', keys.admin).send({ fromLibrary: 'ISIL:DK-100', waitSeconds: 60 });
      expect(res.status).toBe(200);
      expect(peer.received.map((m) => m.kind)).toEqual(['request', 'requestingAgencyMessage']);
      for (const body of peer.bodies) expect(await validateAgainst('iso18626_2021', body)).toEqual({ valid: true, errors: [] });
      expect(res.body.request).toMatchObject({ outcome: 'confirmed', messageStatus: 'OK', schemaValid: true });
      expect(res.body.cancel).toMatchObject({ outcome: 'confirmed', messageStatus: 'OK', schemaValid: true });
      expect(res.body.messages).toEqual([expect.objectContaining({ reasonForMessage: 'CancelResponse', status: 'Cancelled', schemaValid: true })]);
      expect(res.body).toMatchObject({ cancelAnswered: true, passed: true });
      await peer.settled();
    });

    it('reports statuses out of order and an empty status', async () => {
      peer.script = {
        answer: (_m, confirmation) => ({ body: confirmation }),
        after: (m) =>
          m.kind === 'request'
            ? [buildIso18626(sam(m.header.requestingAgencyRequestId, 'WillSupply', 'RequestResponse')), buildIso18626(sam(m.header.requestingAgencyRequestId, 'ExpectToSupply', 'StatusChange'))]
            : [deviate.emptyStatus(buildIso18626(sam(m.header.requestingAgencyRequestId, 'Cancelled', 'CancelResponse', { answerYesNo: 'N' })))],
      };
      const res = await api('post', '/partners/ISIL:DK-P/self-test', keys.adminA).send({ waitSeconds: 60 });
      expect(res.status).toBe(200);
      const report = res.body;
      expect(report).toMatchObject({ fromLibrary: 'ISIL:DK-100', request: { outcome: 'confirmed', schemaValid: true }, cancel: { outcome: 'confirmed', schemaValid: true }, cancelAnswered: true, passed: false });
      expect(report.messages.map((m: { status: string | null }) => m.status)).toEqual(['WillSupply', 'ExpectToSupply', null]);
      expect(report.messages[2].warnings).toEqual([expect.objectContaining({ code: 'empty-status' })]);
      expect(report.statusOrder).toEqual({ allowed: false, problems: ['ExpectToSupply came after WillSupply, a step back'] });
      expect(report.findings).toContain('Its statuses came out of order: ExpectToSupply came after WillSupply, a step back.');
    });

    it('reports a confirmation that never comes and one that is not a confirmation, at the address staff give', async () => {
      peer.script = { answer: (m) => (m.kind === 'request' ? 'hang' : { body: 'OK' }) };
      // DK-Q's directory address answers nothing; its test endpoint is the deviating peer.
      const res = await api('post', '/partners/ISIL:DK-Q/self-test', keys.admin).send({ endpoint: peer.url, fromLibrary: 'ISIL:DK-200', waitSeconds: 0 });
      expect(res.status).toBe(200);
      const report = res.body;
      expect(report).toMatchObject({ partner: 'ISIL:DK-Q', endpoint: peer.url, messages: [], cancelAnswered: false, passed: false });
      expect(report.request).toMatchObject({ outcome: 'no-answer', inTime: false, httpStatus: null, schemaValid: null });
      expect(report.cancel).toMatchObject({ outcome: 'not-a-confirmation', inTime: true, httpStatus: 200, schemaValid: false, answerXml: 'OK' });
      expect(report.findings).toEqual([
        expect.stringMatching(/^The test request got no confirmation within 5 s/),
        expect.stringMatching(/^The cancel got no confirmation: the answer is not a confirmation/),
        'ISIL:DK-Q sent no message about the test within 0 s.',
        'ISIL:DK-Q did not answer the cancel (a CancelResponse) within 0 s.',
      ]);
    });

    it('treats a message for a self-test that was never sent, or sent by another library, as any other: no such request', async () => {
      const unknown = parseIso18626((await postXml(buildIso18626(sam('SELFTEST-not-ours', 'ExpectToSupply', 'RequestResponse')))).text).message as { errorData?: unknown };
      expect(unknown.errorData).toEqual({ errorType: 'UnrecognisedDataValue', errorValue: 'header.requestingAgencyRequestId: no request SELFTEST-not-ours of ISIL:DK-100' });
      const [test] = (await database.db.select().from(protocolMessages)).filter((m) => m.direction === 'out' && m.messageType === 'request' && m.peer === 'ISIL:DK-P');
      const testId = (test!.parsed as { selfTest: { id: string } }).selfTest.id;
      const elsewhere = { ...sam(testId, 'ExpectToSupply', 'RequestResponse') };
      elsewhere.header = { ...elsewhere.header, requestingAgencyId: agency('DK-200') };
      const refused = parseIso18626((await postXml(buildIso18626(elsewhere))).text).message as { errorData?: unknown };
      expect(refused.errorData).toEqual({ errorType: 'UnrecognisedDataValue', errorValue: `header.requestingAgencyRequestId: no request ${testId} of ISIL:DK-200` });
    });

    it('is for admins, sends from one library, and needs an address', async () => {
      expect((await api('post', '/partners/ISIL:DK-P/self-test', keys.staff).send({})).status).toBe(403);
      const which = await api('post', '/partners/ISIL:DK-P/self-test', keys.admin).send({});
      expect(which.status).toBe(400);
      expect(which.body.errors).toEqual([{ path: 'fromLibrary', message: expect.stringMatching(/serves 2 libraries/) }]);
      expect((await api('post', '/partners/ISIL:DK-P/self-test', keys.adminA).send({ fromLibrary: 'ISIL:DK-200' })).status).toBe(403);
      expect((await api('post', '/partners/ISIL:DK-P/self-test', keys.admin).send({ fromLibrary: 'ISIL:DK-100', waitSeconds: 121 })).status).toBe(400);
      expect((await api('post', '/partners/ISIL:DK-NOPE/self-test', keys.admin).send({ fromLibrary: 'ISIL:DK-100' })).status).toBe(404);
      const nowhere = await api('post', '/partners/ISIL:DK-R/self-test', keys.admin).send({ fromLibrary: 'ISIL:DK-100' });
      expect(nowhere.status).toBe(400);
      expect(nowhere.body.errors).toEqual([{ path: 'endpoint', message: expect.stringMatching(/no ISO 18626 address/) }]);
      // No body at all is every default (a library's key sends from its library).
      const bare = await request(staffApp).post('/api/v1/partners/ISIL:DK-R/self-test').set('Authorization', keys.adminA!);
      expect(bare.body.errors).toEqual([{ path: 'endpoint', message: expect.stringMatching(/no ISO 18626 address/) }]);
    });
  });
});
