/**
 * E-mail sign-in for a library without NCIP: a one-time link, mailed (to a real SMTP server on
 * loopback) to an address at one of the library's domains, signs the patron in once within 15
 * minutes. Time is the use cases' clock, moved by the test.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import request from 'supertest';
import { apiRouter } from '../../../src/http/api';
import { createApp } from '../../../src/http/app';
import { createMailSender, type MailSender } from '../../../src/notify/mailer';
import { insertLibrary } from '../../../src/store/libraries';
import { patronSignInLinks } from '../../../src/store/schema';
import { freshDatabase, type TestDatabase } from '../../helpers/db';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp';

const PUBLIC_URL = 'https://ill.example.org';
const EMAIL_LIBRARY = 'ISIL:DE-EM1';
const ENGLISH_LIBRARY = 'ISIL:DE-EM2';
const CARD_LIBRARY = 'ISIL:DE-CARD';
const MINUTE = 60_000;

function patronCookieOf(res: { headers: Record<string, unknown> }): string | undefined {
  const set = (res.headers['set-cookie'] as string[] | undefined) ?? [];
  return set.find((c) => c.startsWith('ill_patron='))?.split(';')[0];
}

describe('patron sign-in by e-mail link', () => {
  let database: TestDatabase;
  let smtp: TestSmtpServer;
  let mail: MailSender;
  let app: ReturnType<typeof createApp>;
  let clock: Date;
  const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));

  beforeAll(async () => {
    clock = new Date('2026-05-04T09:00:00.000Z');
    database = await freshDatabase();
    smtp = await startSmtpServer();
    mail = createMailSender({ smtpUrl: smtp.url, dataDir: '/nonexistent' });
    const deps = { db: database.db, directory: database.directory, now: () => clock, newId: randomUUID, supplierTimeoutMs: 3600_000, mail, mailFrom: 'ill@server.example.org', publicUrl: PUBLIC_URL };
    app = createApp({ log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), bodyLimit: 64 * 1024, health: {}, routers: [apiRouter(deps, { checkAnswers: true })] });
    await insertLibrary(database.db, {
      id: randomUUID(),
      symbol: EMAIL_LIBRARY,
      name: 'Universitätsbibliothek',
      settings: { patrons: { emailDomains: ['uni.example.org'], language: 'de' }, mail: { fromAddress: 'fernleihe@uni.example.org', replyTo: 'desk@uni.example.org' } },
    });
    await insertLibrary(database.db, { id: randomUUID(), symbol: ENGLISH_LIBRARY, name: 'College Library', settings: { patrons: { emailDomains: ['college.example.org'] } } });
    await insertLibrary(database.db, { id: randomUUID(), symbol: CARD_LIBRARY, name: 'Card Library', settings: { ncip: { url: 'http://127.0.0.1:9/ncip', fromAgencyId: 'ILL', toAgencyId: 'MAIN' } } });
  }, 120_000);
  afterAll(async () => {
    mail.close();
    await smtp.close();
    await database.close();
  });

  const askForLink = (body: object) => request(app).post('/api/v1/patron/session/email-link').send(body);
  const useLink = (token: string) => request(app).post('/api/v1/patron/session/link').send({ token });
  /** The token of the last link mailed to `to`. */
  const tokenMailedTo = (to: string): string => {
    const mailed = smtp.received.filter((m) => m.envelopeTo.some((a) => a.toLowerCase() === to.toLowerCase())).at(-1);
    const match = /\/sign-in\/([A-Za-z0-9_-]+)/.exec(mailed?.parsed.text ?? '');
    if (!match) throw new Error(`no sign-in link was mailed to ${to}`);
    return match[1]!;
  };

  it('mails a link to an address at the library’s domain, in the library’s language, from its sender', async () => {
    const res = await askForLink({ library: EMAIL_LIBRARY.toLowerCase(), email: 'ada@uni.example.org' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ sentTo: 'ada@uni.example.org', expiresAt: new Date(clock.getTime() + 15 * MINUTE).toISOString() });
    const mailed = smtp.received.at(-1)!;
    expect(mailed.envelopeTo).toEqual(['ada@uni.example.org']);
    expect(mailed.parsed.from?.value).toEqual([{ address: 'fernleihe@uni.example.org', name: 'Universitätsbibliothek' }]);
    expect(mailed.parsed.replyTo?.value[0]?.address).toBe('desk@uni.example.org');
    expect(mailed.parsed.subject).toBe('Ihr Anmeldelink: Universitätsbibliothek');
    const token = tokenMailedTo('ada@uni.example.org');
    expect(mailed.parsed.text).toContain(`${PUBLIC_URL}/patron/${encodeURIComponent(EMAIL_LIBRARY)}/sign-in/${token}`);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Only the token's hash is stored: reading the table signs nobody in.
    const stored = await database.db.select().from(patronSignInLinks).where(eq(patronSignInLinks.email, 'ada@uni.example.org'));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.tokenHash).not.toContain(token);
  });

  it('ignores the request’s Host header: the link points at PUBLIC_URL', async () => {
    await askForLink({ library: ENGLISH_LIBRARY, email: 'host@college.example.org' }).set('Host', 'evil.example.net').expect(202);
    const mailed = smtp.received.at(-1)!;
    expect(mailed.parsed.subject).toBe('Your sign-in link: College Library');
    expect(mailed.parsed.text).toContain(`${PUBLIC_URL}/patron/`);
    expect(mailed.parsed.text).not.toContain('evil.example.net');
  });

  it('signs in once with the link: the session names the address and the e-mail method', async () => {
    await askForLink({ library: EMAIL_LIBRARY, email: 'Grace@Uni.Example.org' }).expect(202);
    const token = tokenMailedTo('grace@uni.example.org');
    const res = await useLink(token);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      library: { symbol: EMAIL_LIBRARY, name: 'Universitätsbibliothek', language: 'de' },
      method: 'email',
      email: 'Grace@Uni.Example.org',
      blocked: false,
      blockReasons: [],
      openRequests: 0,
    });
    const cookie = patronCookieOf(res)!;
    expect((await request(app).get('/api/v1/patron/session').set('Cookie', cookie)).body.method).toBe('email');

    const again = await useLink(token);
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('link_invalid');
    expect(patronCookieOf(again)).toBeUndefined();
  });

  it('refuses an unknown token as link_invalid and a link past its 15 minutes as link_expired', async () => {
    expect((await useLink('not-a-token-anyone-was-sent')).body).toMatchObject({ status: 401, code: 'link_invalid' });
    await askForLink({ library: EMAIL_LIBRARY, email: 'late@uni.example.org' }).expect(202);
    const token = tokenMailedTo('late@uni.example.org');
    advance(15 * MINUTE + 1000);
    const res = await useLink(token);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('link_expired');
  });

  it('sends no link to another domain, a subdomain included (400 not_allowed_domain)', async () => {
    const before = smtp.received.length;
    for (const email of ['ada@gmail.example.com', 'ada@mail.uni.example.org', 'ada@uni.example.org.evil.example']) {
      const res = await askForLink({ library: EMAIL_LIBRARY, email });
      expect([email, res.status, res.body.code]).toEqual([email, 400, 'not_allowed_domain']);
    }
    expect(smtp.received.length).toBe(before);
  });

  it('answers 409 where patrons sign in with the card, and 404 for a library that is not here', async () => {
    expect((await askForLink({ library: CARD_LIBRARY, email: 'ada@uni.example.org' })).status).toBe(409);
    expect((await askForLink({ library: 'ISIL:XX-404', email: 'ada@uni.example.org' })).status).toBe(404);
  });

  it('sends a few links per mailbox, then 429 until the window passes', async () => {
    for (let i = 0; i < 3; i++) await askForLink({ library: EMAIL_LIBRARY, email: 'many@uni.example.org' }).expect(202);
    const sent = smtp.received.length;
    const res = await askForLink({ library: EMAIL_LIBRARY, email: 'many@uni.example.org' });
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(smtp.received.length).toBe(sent);
    advance(16 * MINUTE);
    await askForLink({ library: EMAIL_LIBRARY, email: 'many@uni.example.org' }).expect(202);
  });

  it('tells the patron at once when the mail server cannot take the mail: 503 now, 400 for a mailbox it refuses', async () => {
    smtp.refuse('busy@uni.example.org', 451, 'Try again later');
    smtp.refuse('gone@uni.example.org', 550, 'No such mailbox');
    const busy = await askForLink({ library: EMAIL_LIBRARY, email: 'busy@uni.example.org' });
    expect(busy.status).toBe(503);
    expect(busy.body.code).toBe('sign_in_unavailable');
    const gone = await askForLink({ library: EMAIL_LIBRARY, email: 'gone@uni.example.org' });
    expect(gone.status).toBe(400);
    expect(gone.body.errors).toEqual([expect.objectContaining({ path: 'email' })]);
  });
});
