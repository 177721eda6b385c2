/**
 * The signed status link in patron mail: every notice carries one (real SMTP on loopback), it
 * opens that one request's status without signing in, it only reads, and a link that was changed,
 * made up or has expired is refused with its own code. The key it is signed with is made once.
 */
import { and, eq } from 'drizzle-orm';
import request from 'supertest';
import { createMailSender, type MailSender } from '../../../src/notify/mailer';
import { sendNotice, type NoticeDeps } from '../../../src/services/notices/notices';
import { openPatronSession } from '../../../src/services/patrons/sessions';
import { outbox, serverKeys } from '../../../src/store/schema';
import { LIBRARY_A, startStaffApi, type StaffApi } from '../../helpers/staff-api';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp';

jest.setTimeout(180_000);

const DAY = 24 * 3600 * 1000;
const PUBLIC_URL = 'https://ill.example.org';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** The 43rd character of a 32-byte base64url value carries 4 bits and 2 spare ones: flip a spare one. */
const spareBitVariant = (last: string): string => BASE64URL[BASE64URL.indexOf(last) ^ 1]!;
const ADA = { patronId: 'P-1815', details: { name: 'Ada Lovelace', email: 'ada@example.org' } };

describe('status links in patron mail', () => {
  let api: StaffApi;
  let smtp: TestSmtpServer;
  let mail: MailSender;
  let deps: NoticeDeps;
  let clock = new Date('2027-04-05T09:00:00Z');

  beforeAll(async () => {
    api = await startStaffApi({ now: () => clock, publicUrl: PUBLIC_URL });
    smtp = await startSmtpServer();
    mail = createMailSender({ smtpUrl: smtp.url, dataDir: '/nonexistent' });
    deps = { ...api.deps, mail, mailFrom: 'ill@server.example.org', publicUrl: PUBLIC_URL };
    const settings = { pickupLocations: [{ code: 'MAIN', name: 'Main library, lending desk' }], patrons: { statusLinkDays: 14, language: 'de' } };
    expect((await request(api.app).patch(`/api/v1/libraries/${LIBRARY_A}`).set('Authorization', api.keys.admin).send({ settings })).status).toBe(200);
  });
  afterAll(async () => {
    mail.close();
    await smtp.close();
    await api.database.close();
  });
  beforeEach(() => {
    smtp.received.length = 0;
  });

  async function placeAsPatron(title = 'The Dispossessed'): Promise<string> {
    const { token } = await openPatronSession(api.deps, { libraryId: api.libraryIds.a, patronId: ADA.patronId, method: 'ils', details: ADA.details });
    const res = await request(api.app).post('/api/v1/patron/requests').set('Cookie', `ill_patron=${token}`).set('Sec-Fetch-Site', 'same-origin').send({ kind: 'loan', title, pickupLocation: 'MAIN' });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  /** Sends the request's first patron notice (request received) and gives the status link it carried. */
  async function mailedLink(requestId: string): Promise<string> {
    const [row] = await api.database.db.select().from(outbox).where(and(eq(outbox.requestId, requestId), eq(outbox.queue, 'notify')));
    await sendNotice(deps, row!);
    expect(smtp.received).toHaveLength(1);
    // The library writes to its patrons in German (settings.patrons.language).
    const { text, html } = smtp.received[0]!.parsed;
    const link = /Stand Ihrer Bestellung: (\S+)/.exec(text ?? '')?.[1];
    expect(link).toMatch(new RegExp(`^${PUBLIC_URL}/status/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));
    expect(html).toContain(`href="${link}"`);
    smtp.received.length = 0;
    return link!;
  }
  const tokenOf = (link: string) => link.slice(`${PUBLIC_URL}/status/`.length);
  const open = (token: string) => request(api.app).get(`/api/v1/patron/status/${token}`);

  it('puts a link into the notice that opens the request without signing in, and lets it only read', async () => {
    const id = await placeAsPatron();
    const token = tokenOf(await mailedLink(id));
    // URLs end up in logs and browser histories: the link does not carry the card number readably.
    expect(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')).not.toContain(ADA.patronId);
    const res = await open(token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      library: { symbol: LIBRARY_A, name: 'Main Library', language: 'de' },
      request: expect.objectContaining({ id, title: 'The Dispossessed', phase: 'searching', pickupLocation: { code: 'MAIN', name: 'Main library, lending desk' }, actions: [] }),
    });
    // Signed in, the patron could cancel it: the link offers nothing of the kind, and is no session.
    const asCookie = await request(api.app).post(`/api/v1/patron/requests/${id}/cancel`).set('Cookie', `ill_patron=${token}`).set('Sec-Fetch-Site', 'same-origin');
    expect(asCookie.status).toBe(401);
    expect((await request(api.app).get('/api/v1/patron/requests').set('Cookie', `ill_patron=${token}`)).status).toBe(401);
  });

  it('shows staff the link in the notice preview, as the patron would get it', async () => {
    const id = await placeAsPatron('The Left Hand of Darkness');
    const preview = await request(api.app).get(`/api/v1/requests/${id}/notices/shipped/preview`).set('Authorization', api.keys.staffA);
    expect(preview.status).toBe(200);
    const link = /Stand Ihrer Bestellung: (\S+)/.exec(preview.body.text as string)?.[1];
    expect((await open(tokenOf(link!))).body.request).toMatchObject({ id });
  });

  it('refuses a changed or made-up link as link_invalid', async () => {
    const token = tokenOf(await mailedLink(await placeAsPatron('Kindred')));
    const [payload, signature] = token.split('.') as [string, string];
    const other = await placeAsPatron('Parable of the Sower');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { r: string; p: string; e: number };
    const forged = [
      // Another request, the signature kept.
      `${Buffer.from(JSON.stringify({ ...claims, r: other })).toString('base64url')}.${signature}`,
      // A later expiry.
      `${Buffer.from(JSON.stringify({ ...claims, e: claims.e + 365 * 86400 })).toString('base64url')}.${signature}`,
      // One character of the signature changed.
      `${payload}.${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`,
      // The last character changed only in the bits base64url decoding drops: the same bytes, not the same link.
      `${payload}.${signature.slice(0, -1)}${spareBitVariant(signature.at(-1)!)}`,
      `${payload}.`,
      'not-a-token',
      `${payload}.${signature}.extra`,
    ];
    for (const bad of forged) {
      const res = await open(encodeURIComponent(bad));
      expect([bad, res.status, res.body.code]).toEqual([bad, 401, 'link_invalid']);
    }
    expect((await open(token)).status).toBe(200);
  });

  it('refuses a link after the library’s statusLinkDays as link_expired', async () => {
    const token = tokenOf(await mailedLink(await placeAsPatron('Dawn')));
    clock = new Date(clock.getTime() + 14 * DAY - 60_000);
    expect((await open(token)).status).toBe(200);
    clock = new Date(clock.getTime() + 60_000);
    const res = await open(token);
    expect([res.status, res.body.code]).toEqual([401, 'link_expired']);
  });

  it('stops opening once the patron’s details were erased from the request', async () => {
    const id = await placeAsPatron('Wild Seed');
    const token = tokenOf(await mailedLink(id));
    const closed = await request(api.app).get(`/api/v1/requests/${id}`).set('Authorization', api.keys.admin);
    expect((await request(api.app).post(`/api/v1/requests/${id}/actions`).set('Authorization', api.keys.staffA).send({ action: 'close_manually', version: closed.body.version })).status).toBe(200);
    expect((await request(api.app).post('/api/v1/patrons/erase').set('Authorization', api.keys.admin).send({ library: LIBRARY_A, patronId: ADA.patronId })).status).toBe(200);
    const res = await open(token);
    expect([res.status, res.body.code]).toEqual([401, 'link_invalid']);
  });

  it('signs every link with one key, made once and kept in server_keys', async () => {
    const first = tokenOf(await mailedLink(await placeAsPatron('Imago')));
    const second = tokenOf(await mailedLink(await placeAsPatron('Adulthood Rites')));
    expect([(await open(first)).status, (await open(second)).status]).toEqual([200, 200]);
    const rows = await api.database.db.select().from(serverKeys).where(eq(serverKeys.name, 'status-link'));
    expect(rows).toHaveLength(1);
    expect(Buffer.from(rows[0]!.secret, 'base64url')).toHaveLength(32);
  });
});
