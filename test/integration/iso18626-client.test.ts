/**
 * The ISO 18626 client against a partner on loopback: what it sends, and how it reads each kind
 * of answer, or the lack of one, as confirmed, refused (a definite no) or transient (try later).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildIso18626, confirmationFor, parseIso18626, rejection, type InboundMessage, type RequestingAgencyMessage } from '../../protocols/iso18626';
import { sendIso18626, type Iso18626Partner } from '../../src/iso18626/client';
import { freeLoopbackPort } from '../../workers/redis-server';

const NOW = new Date('2026-11-26T10:00:00Z');
const isil = (value: string) => ({ agencyIdType: { value: 'ISIL' }, agencyIdValue: value });
const cancel: RequestingAgencyMessage = {
  kind: 'requestingAgencyMessage',
  header: { supplyingAgencyId: isil('DK-S1'), requestingAgencyId: isil('DK-H'), timestamp: NOW.toISOString(), requestingAgencyRequestId: 'R-1' },
  action: 'Cancel',
};
const xml = buildIso18626(cancel);

type Answer = (body: string) => { status: number; body: string; contentType?: string; delayMs?: number };
const ok: Answer = (body) => ({ status: 200, body: buildIso18626(confirmationFor(parseIso18626(body).message as InboundMessage, NOW)) });
const refusing: Answer = (body) => ({ status: 200, body: buildIso18626(rejection(parseIso18626(body).message as InboundMessage, 'UnsupportedActionType', 'too late', NOW)) });

describe('the ISO 18626 client', () => {
  let server: Server;
  let partner: Iso18626Partner;
  let answer: Answer;
  let received: { body: string; headers: IncomingHttpHeaders }[];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ body, headers: req.headers });
        const out = answer(body);
        const timer = setTimeout(() => res.writeHead(out.status, { 'Content-Type': out.contentType ?? 'application/xml' }).end(out.body), out.delayMs ?? 0);
        res.on('close', () => clearTimeout(timer));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    partner = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/iso18626`, httpHeaders: { 'X-Api-Key': 'k-123' } };
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    received = [];
    answer = ok;
  });

  const send = (options: { timeoutMs?: number; maxAnswerBytes?: number } = {}, to = partner) => sendIso18626(to, xml, { timeoutMs: 2000, ...options });

  it('posts the message as XML with the partner’s headers and reads an OK confirmation', async () => {
    const outcome = await send();
    expect(received).toEqual([{ body: xml, headers: expect.objectContaining({ 'content-type': 'application/xml; charset=utf-8', 'x-api-key': 'k-123' }) }]);
    expect(outcome).toMatchObject({
      kind: 'confirmed',
      httpStatus: 200,
      confirmation: { kind: 'requestingAgencyMessageConfirmation', action: 'Cancel', confirmationHeader: { messageStatus: 'OK', requestingAgencyRequestId: 'R-1' } },
    });
    expect(outcome.kind === 'confirmed' && parseIso18626(outcome.responseXml).message).toEqual(outcome.kind === 'confirmed' && outcome.confirmation);
  });

  it('reads an ERROR confirmation as a definite refusal, with the partner’s errorType', async () => {
    answer = refusing;
    expect(await send()).toMatchObject({
      kind: 'refused',
      reason: 'error-confirmation',
      httpStatus: 200,
      errorData: { errorType: 'UnsupportedActionType', errorValue: 'too late' },
      detail: 'UnsupportedActionType too late',
    });
  });

  it('reads an HTTP 4xx as a definite refusal, keeping the errorData that came with it', async () => {
    answer = (body) => ({ ...refusing(body), status: 403 });
    expect(await send()).toMatchObject({ kind: 'refused', reason: 'http-status', httpStatus: 403, detail: 'HTTP 403', errorData: { errorType: 'UnsupportedActionType' } });
    answer = () => ({ status: 404, body: 'Not Found', contentType: 'text/plain' });
    const outcome = await send();
    expect(outcome).toEqual({ kind: 'refused', reason: 'http-status', httpStatus: 404, responseXml: 'Not Found', detail: 'HTTP 404' });
  });

  it.each([503, 500, 429, 408])('reads HTTP %i as “try again later”', async (status) => {
    answer = () => ({ status, body: 'busy', contentType: 'text/plain' });
    expect(await send()).toEqual({ kind: 'transient', reason: 'http-status', httpStatus: status, responseXml: 'busy', detail: `HTTP ${status}`, plain: `it answers HTTP ${status}`, unreachable: false });
  });

  it.each([
    ['a proxy’s error page', () => ({ status: 200, body: '<html>oops</html>' }), /^answered with something that is not ISO 18626/],
    ['a message that is not a confirmation', () => ({ status: 200, body: xml }), /^answered with a requestingAgencyMessage, not a confirmation$/],
  ])('reads %s as “try again later”', async (_name, reply, detail) => {
    answer = reply;
    expect(await send()).toMatchObject({ kind: 'transient', reason: 'not-a-confirmation', httpStatus: 200, detail: expect.stringMatching(detail), plain: 'its answers are not ISO 18626 confirmations', unreachable: false });
  });

  it('reads no more of an answer than it allows, and does not take a longer one for a confirmation', async () => {
    const confirmation = ok(xml).body;
    answer = () => ({ status: 200, body: confirmation + ' '.repeat(5000) });
    const outcome = await send({ maxAnswerBytes: confirmation.length + 100 });
    expect(outcome).toMatchObject({ kind: 'transient', reason: 'not-a-confirmation', detail: `answered with more than ${confirmation.length + 100} bytes, not a confirmation` });
    expect(outcome.responseXml).toHaveLength(confirmation.length + 100);
    // The same answer within the limit is a confirmation.
    expect(await send({ maxAnswerBytes: confirmation.length + 5000 })).toMatchObject({ kind: 'confirmed' });
  });

  it('gives up on a partner that does not answer in time, as unreachable', async () => {
    answer = (body) => ({ ...ok(body), delayMs: 3000 });
    expect(await send({ timeoutMs: 200 })).toEqual({ kind: 'transient', reason: 'timeout', detail: 'no answer within 200 ms', plain: 'no answer within 200 ms', unreachable: true });
  });

  it('says in plain words that a partner refuses the connection', async () => {
    const port = await freeLoopbackPort();
    expect(await send({}, { url: `http://127.0.0.1:${port}/iso18626` })).toEqual({
      kind: 'transient',
      reason: 'connection',
      detail: 'connection failed (ECONNREFUSED)',
      plain: 'connection refused',
      unreachable: true,
    });
  });
});
