/**
 * What a supplier learns of the patron, per the requesting library's `settings.privacy`: the
 * ISO 18626 request as a partner receives it over HTTP, and as another member library served
 * here takes it in (local delivery), for each of none (the default), name and full.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { buildIso18626, confirmationFor, parseIso18626, type InboundMessage, type Request } from '../../../protocols/iso18626';
import { createBorrowingRequest, parseBorrowingRequest } from '../../../src/services/borrowing/borrowing';
import { deliverOutboxRow, type DeliveryDeps } from '../../../src/services/iso18626/delivery';
import { insertLibrary } from '../../../src/store/libraries';
import { insertPartner } from '../../../src/store/partners';
import { outbox, protocolMessages, requests } from '../../../src/store/schema';
import { decodeRequest } from '../../../src/store/requests';
import { freshDatabase, type TestDatabase } from '../../helpers/db';
import { validateAgainst } from '../../helpers/xsd';

// A fresh database (migrations) and a few dozen writes: minutes on a loaded machine, never a timing assertion.
jest.setTimeout(180_000);

const PATRON = { id: 'P-4711', name: 'Octavia Butler', email: 'octavia@example.org' };
const LENDER_HERE = 'ISIL:DK-LEND';
const PARTNER = 'ISIL:DK-FAR';

describe('patron details a supplier receives', () => {
  let database: TestDatabase;
  let deps: DeliveryDeps;
  let server: Server;
  const received: string[] = [];
  const libraries: Record<string, string> = {};

  beforeAll(async () => {
    database = await freshDatabase();
    deps = { db: database.db, directory: database.directory, now: () => new Date(), newId: randomUUID, supplierTimeoutMs: 3600_000, timeoutMs: 5000 };
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(body);
        res.writeHead(200, { 'Content-Type': 'application/xml' }).end(buildIso18626(confirmationFor(parseIso18626(body).message as InboundMessage, new Date())));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/iso18626`;
    await insertPartner(database.db, { id: randomUUID(), symbol: PARTNER, name: 'Far Away', iso18626Url: url, auth: {}, policies: {}, vendor: null, contactEmail: null, status: 'active' });
    await insertLibrary(database.db, { id: randomUUID(), symbol: LENDER_HERE, name: 'Lending Library', settings: {} });
    const settings = { default: {}, none: { privacy: { patronDetailsToSuppliers: 'none' } }, name: { privacy: { patronDetailsToSuppliers: 'name' } }, full: { privacy: { patronDetailsToSuppliers: 'full' } } };
    for (const [level, s] of Object.entries(settings)) {
      libraries[level] = randomUUID();
      await insertLibrary(database.db, { id: libraries[level]!, symbol: `ISIL:DK-${level.toUpperCase()}`, name: `Library ${level}`, settings: s });
    }
  });
  afterAll(async () => {
    server.close();
    await database.close();
  });

  /** A borrowing request of the library with that setting, delivered to `supplier`: the XML as sent. */
  async function requestTo(level: string, supplier: string): Promise<{ xml: string; requestId: string }> {
    const request = await createBorrowingRequest(deps, libraries[level]!, parseBorrowingRequest({ bibliographic: { title: 'Kindred' }, patron: PATRON, candidates: [{ symbol: supplier }] }), 'staff:test', { channel: 'staff' });
    const [row] = await database.db.select().from(outbox).where(and(eq(outbox.requestId, request.id), eq(outbox.queue, 'delivery')));
    const before = received.length;
    await deliverOutboxRow(deps, row!);
    if (supplier === PARTNER) return { xml: received[before]!, requestId: request.id };
    const [out] = await database.db.select().from(protocolMessages).where(and(eq(protocolMessages.requestId, request.id), eq(protocolMessages.direction, 'out')));
    return { xml: out!.rawXml, requestId: request.id };
  }
  const patronInfoIn = (xml: string) => (parseIso18626(xml).message as Request).patronInfo;

  describe.each([
    ['a partner over HTTP', PARTNER],
    ['a member library served here', LENDER_HERE],
  ])('to %s', (_where, supplier) => {
    it.each([
      ['default', 'no patronInfo', undefined],
      ['none', 'no patronInfo', undefined],
      ['name', 'the name only', { surname: 'Octavia Butler' }],
      ['full', 'id, name and e-mail', { patronId: 'P-4711', surname: 'Octavia Butler', address: [{ electronicAddress: { electronicAddressType: { value: 'email' }, electronicAddressData: 'octavia@example.org' } }] }],
    ])('with %s, the request carries %s', async (level, _what, expected) => {
      const { xml } = await requestTo(level, supplier);
      expect(await validateAgainst('iso18626', xml)).toEqual({ valid: true, errors: [] });
      expect(patronInfoIn(xml)).toEqual(expected);
      if (level === 'default' || level === 'none') {
        for (const detail of [PATRON.id, 'Octavia', PATRON.email]) expect(xml).not.toContain(detail);
      }
    });
  });

  it('a member library served here keeps what it was sent, and no more', async () => {
    const supplied = async (level: string) => {
      const { requestId } = await requestTo(level, LENDER_HERE);
      const [borrowing] = await database.db.select().from(requests).where(eq(requests.id, requestId));
      const [row] = await database.db
        .select()
        .from(requests)
        .where(and(eq(requests.role, 'supplier'), eq(requests.requestingAgencyRequestId, borrowing!.requestingAgencyRequestId)));
      return decodeRequest(row!).data.patron;
    };
    expect(await supplied('default')).toBeUndefined();
    expect(await supplied('full')).toEqual({ id: 'P-4711', name: 'Octavia Butler', surname: 'Octavia Butler' });
  });
});
