/**
 * Two member libraries of ONE server lend to each other out of the box: the directory file names
 * both under `libraries:` and has no partners. The rota comes from the directory, and every
 * message between them goes from the outbox straight into the inbound handling, with no HTTP
 * round trip to the server's own /iso18626; both sides record it as over HTTP.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { buildIso18626, parseIso18626, type Request } from '../../protocols/iso18626';
import { createApiKey } from '../../src/services/access/api-keys';
import { deliverOutboxRow } from '../../src/services/iso18626/delivery';
import { listOutboxForRequest } from '../../src/store/outbox';
import { getRequest } from '../../src/store/requests';
import { protocolMessages, requests } from '../../src/store/schema';
import { act, lenderRequest, returnLoan, trail, waitForState } from '../helpers/e2e';
import { addPartners, startInstance, type Instance } from '../helpers/instances';
import { eventually } from '../helpers/queues';
import { borrowing } from '../helpers/staff-api';

jest.setTimeout(90_000);

const BORROWER = 'ISIL:DK-710';
const LENDER = 'ISIL:DK-720';

describe('two member libraries of one server', () => {
  let dir: string;
  let server: Instance;
  let admin: string;
  const fetchSpy = jest.spyOn(globalThis, 'fetch');
  /** Every HTTP request the process made to an ISO 18626 address (its own included). */
  const iso18626Posts = () => fetchSpy.mock.calls.filter(([url]) => String(url instanceof globalThis.Request ? url.url : url).endsWith('/iso18626')).length;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ill-members-'));
    const directoryFile = join(dir, 'consortium.yaml');
    writeFileSync(
      directoryFile,
      [
        'libraries:',
        `  - { symbol: ${BORROWER}, name: Town Library }`,
        `  - { symbol: ${LENDER}, name: University Library, settings: { lending: { services: [Loan], loanPeriodDays: 28 } } }`,
        '',
      ].join('\n'),
    );
    server = await startInstance('members', [], { directoryFile });
    admin = (await createApiKey(server.service.lifecycle, { name: 'admin', role: 'admin' })).key;
  });
  afterAll(async () => {
    fetchSpy.mockRestore();
    await server?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const api = async (path: string, body: unknown) => {
    const res = await fetch(`${server.url}/api/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const db = () => server.service.runtime.database.db;
  const messagesOf = (requestId: string, direction: 'in' | 'out') =>
    db().select().from(protocolMessages).where(and(eq(protocolMessages.requestId, requestId), eq(protocolMessages.direction, direction))).orderBy(protocolMessages.createdAt);

  it('routes to the other library from the directory, never to itself', async () => {
    const dryRun = await api('/routing/dry-run', { library: BORROWER });
    expect(dryRun.status).toBe(200);
    expect(dryRun.body).toMatchObject({
      rota: [{ symbol: LENDER }],
      explanation: [{ symbol: LENDER, kept: true, rank: 1, reason: 'position 1 in the directory (no candidates were given)' }],
    });
    const fromLender = await api('/routing/dry-run', { library: LENDER, candidates: [{ symbol: LENDER }, { symbol: BORROWER }] });
    expect(fromLender.body.explanation).toEqual([
      { symbol: BORROWER, kept: true, rank: 1, reason: 'position 2 as given' },
      { symbol: LENDER, kept: false, reason: 'is the requesting library itself' },
    ]);
    // The lender's own lending settings are its policies: it lends no copies.
    const copy = await api('/routing/dry-run', { library: BORROWER, serviceType: 'Copy' });
    expect(copy.body).toMatchObject({ rota: [], explanation: [{ symbol: LENDER, kept: false, reason: 'does not supply copies' }] });
  });

  it('plays a whole loan from request to return, recorded on both sides, without HTTP to itself', async () => {
    const posts = iso18626Posts();
    const created = await api('/requests', { library: BORROWER, ...borrowing({ patron: { id: 'P-1001', name: 'Ada Lovelace', email: 'ada@example.org' } }) });
    expect(created.status).toBe(201);
    const borrowingRequest = (await getRequest(db(), created.body.id as string))!;
    expect(borrowingRequest.state).toBe('sent_to_supplier');
    const lending = await lenderRequest(server, borrowingRequest, LENDER);
    expect(lending).toMatchObject({ state: 'validated', requestingAgencyId: BORROWER, supplyingAgencyId: LENDER });
    expect(lending.libraryId).not.toBe(borrowingRequest.libraryId);

    await act(server, lending.id, 'will_supply');
    await waitForState(server, borrowingRequest.id, 'will_supply');
    await act(server, lending.id, 'ship', { dueDate: '2027-03-01T23:59:59Z' });
    await waitForState(server, borrowingRequest.id, 'shipped');
    await returnLoan(server, borrowingRequest.id, server, lending.id);

    expect(await trail(server, borrowingRequest.id)).toEqual([
      'created -> new',
      'validate -> sent_to_supplier',
      'supplier_message:RequestResponse/WillSupply -> will_supply',
      'supplier_message:StatusChange/Loaned -> shipped',
      'staff:mark_received -> received',
      'staff:check_out -> checked_out',
      'staff:mark_returned -> returned_by_patron',
      'staff:ship_return -> shipped_return',
      'supplier_message:StatusChange/LoanCompleted -> complete',
    ]);
    expect(await trail(server, lending.id)).toEqual([
      'request_received -> received',
      'validate -> validated',
      'staff:will_supply -> will_supply',
      'staff:ship -> shipped',
      'requester_message:Received -> shipped',
      'requester_message:ShippedReturn -> returned_by_borrower',
      'staff:check_in -> checked_in',
      'staff:complete -> complete',
    ]);

    // Each message is out on the sender's side and in on the receiver's, with our confirmation as the answer of both.
    const sides = [
      { from: borrowingRequest.id, to: lending.id, types: ['request', 'requestingAgencyMessage', 'requestingAgencyMessage'] },
      { from: lending.id, to: borrowingRequest.id, types: ['supplyingAgencyMessage', 'supplyingAgencyMessage', 'supplyingAgencyMessage'] },
    ];
    for (const side of sides) {
      const sent = await eventually(async () => {
        const rows = await messagesOf(side.from, 'out');
        return rows.length === side.types.length && rows.every((m) => m.status === 'confirmed') && rows;
      }, 30_000);
      const received = await messagesOf(side.to, 'in');
      expect(sent.map((m) => m.messageType)).toEqual(side.types);
      expect(received.map((m) => [m.messageType, m.status])).toEqual(side.types.map((t) => [t, 'answered']));
      expect(received.map((m) => m.rawXml)).toEqual(sent.map((m) => m.rawXml));
      expect(received.map((m) => m.responseXml)).toEqual(sent.map((m) => m.responseXml));
      expect(sent.map((m) => [m.httpStatus, m.attempts])).toEqual(side.types.map(() => [200, 1]));
      expect(received.map((m) => (m.parsed as { transport?: string }).transport)).toEqual(side.types.map(() => 'local'));
      // No security code: both sides are this server.
      expect(sent.some((m) => m.rawXml.includes('securityCode'))).toBe(false);
    }
    expect(iso18626Posts()).toBe(posts);
  });

  it('applies a delivery retried after a crash once: the receiver answers as the first time', async () => {
    const created = await api('/requests', { library: BORROWER, ...borrowing({ patron: { id: 'P-2002' } }) });
    const borrowingRequest = (await getRequest(db(), created.body.id as string))!;
    const lending = await lenderRequest(server, borrowingRequest, LENDER);
    const [sent] = await eventually(async () => {
      const rows = await messagesOf(borrowingRequest.id, 'out');
      return rows.length === 1 && rows[0]!.status === 'confirmed' && rows;
    }, 30_000);
    // The worker died after the receiver's write and before the outbox row was settled: it runs again.
    const row = (await listOutboxForRequest(db(), borrowingRequest.id)).find((r) => r.queue === 'delivery')!;
    await deliverOutboxRow(server.service.lifecycle, row);

    const lendingRows = await db().select().from(requests).where(and(eq(requests.role, 'supplier'), eq(requests.requestingAgencyRequestId, borrowingRequest.requestingAgencyRequestId)));
    expect(lendingRows.map((r) => r.id)).toEqual([lending.id]);
    expect(await trail(server, lending.id)).toEqual(['request_received -> received', 'validate -> validated']);
    const again = (await messagesOf(borrowingRequest.id, 'out'))[0]!;
    expect([again.status, again.attempts, again.responseXml]).toEqual(['confirmed', 2, sent!.responseXml]);
    const duplicates = await db().select().from(protocolMessages).where(and(eq(protocolMessages.direction, 'in'), eq(protocolMessages.status, 'duplicate'), eq(protocolMessages.rawXml, sent!.rawXml)));
    expect(duplicates).toHaveLength(1);
  });

  it('refuses the symbol of a member library over HTTP when no partner entry vouches for it', async () => {
    // The local path trusts the server's own call, never what a message says about its sender.
    const spoofed: Request = {
      kind: 'request',
      header: {
        supplyingAgencyId: { agencyIdType: { value: 'ISIL' }, agencyIdValue: 'DK-720' },
        requestingAgencyId: { agencyIdType: { value: 'ISIL' }, agencyIdValue: 'DK-710' },
        timestamp: new Date().toISOString(),
        requestingAgencyRequestId: 'spoofed-1',
      },
      bibliographicInfo: { title: 'Spoofed' },
      serviceInfo: { serviceType: 'Loan' },
    };
    const res = await fetch(`${server.url}/iso18626`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: buildIso18626(spoofed) });
    const answer = parseIso18626(await res.text()).message as { confirmationHeader: { messageStatus: string }; errorData?: { errorValue?: string } };
    expect(answer.confirmationHeader.messageStatus).toBe('ERROR');
    expect(answer.errorData?.errorValue).toBe(`header.requestingAgencyId: ${BORROWER} is not a partner of this server`);
  });

  it('sends over HTTP when a partner entry with an address names the library: the entry wins', async () => {
    await addPartners(server, [
      { symbol: BORROWER, name: 'Town Library over HTTP', at: server },
      { symbol: LENDER, name: 'University Library over HTTP', at: server },
    ]);
    const posts = iso18626Posts();
    const created = await api('/requests', { library: BORROWER, ...borrowing({ candidates: [{ symbol: LENDER }] }) });
    const borrowingRequest = (await getRequest(db(), created.body.id as string))!;
    const lending = await lenderRequest(server, borrowingRequest, LENDER);
    expect(lending.state).toBe('validated');
    const [received] = await messagesOf(lending.id, 'in');
    expect((received!.parsed as { transport?: string }).transport).toBeUndefined();
    expect(iso18626Posts()).toBeGreaterThan(posts);
  });
});
