/**
 * Patron e-mail over a real SMTP server on loopback: what arrives, that it arrives once, what
 * happens when the server is down or refuses the address, and who gets no mail and why.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import type { PatronNotice } from '../../src/domain/types';
import { JOBS, outboxJob } from '../../src/jobs';
import { createMailSender, MailUnavailable, type MailSender } from '../../src/notify/mailer';
import type { MailSettingsInput } from '../../src/notify/settings';
import { createBorrowingRequest, parseBorrowingRequest } from '../../src/services/borrowing/borrowing';
import { sendNotice, type NoticeDeps } from '../../src/services/notices/notices';
import { listEvents } from '../../src/store/events';
import { insertLibrary } from '../../src/store/libraries';
import { listNotifications } from '../../src/store/notifications';
import { addToOutbox, getOutboxRow, type OutboxRow } from '../../src/store/outbox';
import { getRequest, updateRequest, type RequestRow } from '../../src/store/requests';
import { outbox } from '../../src/store/schema';
import { freshDatabase, type TestDatabase } from '../helpers/db';
import { eventually } from '../helpers/queues';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { freeLoopbackPort } from '../../workers/redis-server';

describe('patron e-mail', () => {
  let database: TestDatabase;
  let smtp: TestSmtpServer;
  let mail: MailSender;
  let deps: NoticeDeps & { supplierTimeoutMs: number };

  beforeAll(async () => {
    database = await freshDatabase();
    smtp = await startSmtpServer();
    mail = createMailSender({ smtpUrl: smtp.url, dataDir: '/nonexistent' });
    deps = { db: database.db, directory: database.directory, now: () => new Date(), newId: randomUUID, supplierTimeoutMs: 3600_000, mail, mailFrom: 'ill@server.example.org' };
  });
  afterAll(async () => {
    mail.close();
    await smtp.close();
    await database.close();
  });
  beforeEach(() => {
    smtp.received.length = 0;
  });

  async function library(mailSettings?: MailSettingsInput, name = 'Riverside Public Library'): Promise<string> {
    const id = randomUUID();
    await database.directory.write((db) => insertLibrary(db, { id, symbol: `ISIL:DK-${id.slice(0, 8)}`, name, settings: mailSettings ? { mail: mailSettings } : {} }));
    return id;
  }

  async function borrow(libraryId: string, patron: Record<string, unknown> = { id: 'P-1', name: 'Ada Lovelace', email: 'ada@example.org' }, title = 'Kindred'): Promise<RequestRow> {
    return createBorrowingRequest(deps, libraryId, parseBorrowingRequest({ bibliographic: { title, author: 'Butler, Octavia E.' }, patron, pickupLocation: 'Main desk, 2nd floor' }), 'staff:test', { channel: 'staff' });
  }

  /** The notify outbox row of a request for `notice` (written with the state change). */
  async function noticeRow(requestId: string, notice: string): Promise<OutboxRow> {
    const rows = await database.db.select().from(outbox).where(and(eq(outbox.requestId, requestId), eq(outbox.queue, 'notify')));
    const row = rows.find((r) => (r.payload as { notice?: string }).notice === notice);
    if (!row) throw new Error(`no ${notice} notice row for ${requestId}: ${JSON.stringify(rows.map((r) => r.payload))}`);
    return row;
  }

  /** Puts a request on loan to the patron with `dueDate` (as the lifecycle would after Loaned and check-out). */
  async function onLoan(request: RequestRow, dueDate: string, state = 'checked_out'): Promise<RequestRow> {
    const current = (await getRequest(database.db, request.id))!;
    const lifecycle = { ...current.data.lifecycle, dueDate, lastStatus: 'Loaned' as const };
    return (await updateRequest(database.db, current.id, current.version, { state, data: { ...current.data, lifecycle } }, new Date()))!;
  }

  async function queueNotice(requestId: string, notice: PatronNotice, dueDate?: string): Promise<OutboxRow> {
    const [id] = await database.db.transaction((tx) => addToOutbox(tx, [outboxJob(JOBS.notice, { notice, ...(dueDate ? { dueDate } : {}) }, { requestId })], randomUUID));
    return (await getOutboxRow(database.db, id!))!;
  }

  it('writes a notice row in the same transaction as the state change that causes it', async () => {
    const request = await borrow(await library());
    const row = await noticeRow(request.id, 'request_received');
    expect(row).toMatchObject({ queue: 'notify', jobName: 'patron.notice', status: 'pending', payload: { notice: 'request_received' } });
    const created = (await listEvents(database.db, request.id)).find((e) => e.event === 'created');
    expect(created?.data.notCarriedOut).toBeUndefined();
  });

  it('mails the patron: right recipient, sender, subject, and the request’s data in both bodies', async () => {
    const request = await borrow(await library({ fromAddress: 'ill@riverside.example.org', replyTo: 'desk@riverside.example.org' }));
    await sendNotice(deps, await noticeRow(request.id, 'request_received'));

    expect(smtp.received).toHaveLength(1);
    const [mailed] = smtp.received;
    expect(mailed!.envelopeTo).toEqual(['ada@example.org']);
    expect(mailed!.envelopeFrom).toBe('ill@riverside.example.org');
    const parsed = mailed!.parsed;
    expect(parsed.subject).toBe('We have your interlibrary loan request: Kindred by Butler, Octavia E.');
    expect(parsed.from?.value[0]).toEqual({ address: 'ill@riverside.example.org', name: 'Riverside Public Library' });
    expect(parsed.replyTo?.value[0]?.address).toBe('desk@riverside.example.org');
    expect(parsed.text).toContain('Dear Ada Lovelace,');
    expect(parsed.text).toContain('We have received your request for Kindred by Butler, Octavia E.');
    // The library's own count: this is the first request of a new library.
    expect(request.number).toBe(1);
    expect(parsed.text).toContain('Your request number: 1\n');
    expect(parsed.html).toContain('<p>Dear Ada Lovelace,</p>');
    expect(parsed.messageId).toMatch(/^<notice\..+@riverside\.example\.org>$/);

    const [notification] = await listNotifications(database.db, request.id);
    expect(notification).toMatchObject({ event: 'request_received', dedupeKey: `${request.id}:request_received`, recipient: 'ada@example.org', status: 'sent', attempts: 1, error: null });
    expect(notification?.providerMessageId).toBe(parsed.messageId);
    expect(notification?.sentAt).toBeInstanceOf(Date);
  });

  it('escapes request data in the HTML part and keeps it literal in the text part', async () => {
    const title = '<script>alert("x")</script> Tom & Jerry';
    const request = await borrow(await library(), { id: 'P-2', name: 'Bob <b>', email: 'bob@example.org' }, title);
    await sendNotice(deps, await noticeRow(request.id, 'request_received'));

    const parsed = smtp.received[0]!.parsed;
    expect(parsed.html).not.toContain('<script>');
    expect(parsed.html).not.toContain('<b>');
    expect(parsed.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Tom &amp; Jerry');
    expect(parsed.html).toContain('Dear Bob &lt;b&gt;,');
    expect(parsed.text).toContain(`${title} by Butler, Octavia E.`);
    expect(parsed.subject).toContain('<script>alert("x")</script> Tom & Jerry');
  });

  it('says where and until when for ready for pickup, with the due date written for people', async () => {
    const request = await onLoan(await borrow(await library({ timeZone: 'Europe/Copenhagen' })), '2027-03-01T12:00:00Z', 'received');
    await sendNotice(deps, await queueNotice(request.id, 'ready_for_pickup'));
    const parsed = smtp.received[0]!.parsed;
    expect(parsed.subject).toBe('Ready for pickup: Kindred by Butler, Octavia E.');
    expect(parsed.text).toContain('is ready for you to collect at Main desk, 2nd floor.');
    expect(parsed.text).toContain('It is due back on Monday 1 March 2027.');
  });

  it('writes to a German library’s patrons in German, with German dates, in both bodies', async () => {
    const id = randomUUID();
    const settings = { patrons: { language: 'de' }, mail: { timeZone: 'Europe/Berlin' } };
    await database.directory.write((db) => insertLibrary(db, { id, symbol: `ISIL:DE-${id.slice(0, 8)}`, name: 'Universitätsbibliothek Beispielstadt', settings }));
    const request = await onLoan(await borrow(id, { id: 'P-3', name: 'Erika Mustermann', email: 'erika@example.org' }), '2027-03-01T12:00:00Z', 'received');
    await sendNotice(deps, await queueNotice(request.id, 'ready_for_pickup'));
    const parsed = smtp.received[0]!.parsed;
    expect(parsed.subject).toBe('Zur Abholung bereit: Butler, Octavia E.: Kindred');
    expect(parsed.from?.value[0]).toEqual({ address: 'ill@server.example.org', name: 'Universitätsbibliothek Beispielstadt' });
    expect(parsed.text).toMatch(/^Guten Tag Erika Mustermann,\n\nIhre Fernleihe liegt zur Abholung für Sie bereit: Butler, Octavia E.: Kindred\. Abholort: Main desk, 2nd floor\./);
    expect(parsed.text).toContain('Die Leihfrist endet am Montag, 1. März 2027.');
    expect(parsed.text).toContain('Mit freundlichen Grüßen\nUniversitätsbibliothek Beispielstadt\nFernleihe');
    expect(parsed.html).toContain('<html lang="de">');
    expect(parsed.html).toContain('<p>Guten Tag Erika Mustermann,</p>');
  });

  it('sends one mail per event however often the job runs', async () => {
    const request = await borrow(await library());
    const row = await noticeRow(request.id, 'request_received');
    await sendNotice(deps, row);
    await sendNotice(deps, row);
    // A second row for the same event (another effect saying the same thing) is the same notice.
    await sendNotice(deps, await queueNotice(request.id, 'request_received'));
    expect(smtp.received).toHaveLength(1);
    expect(await listNotifications(database.db, request.id)).toHaveLength(1);
  });

  it('sends once when two jobs for the same notice run at the same time on two workers', async () => {
    const request = await borrow(await library());
    const first = await noticeRow(request.id, 'request_received');
    // A second effect saying the same thing (the supplier's Overdue and the daily sweep do this).
    const second = await queueNotice(request.id, 'request_received');
    let release!: () => void;
    let inExchange!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const exchanging = new Promise<void>((resolve) => (inExchange = resolve));
    // The first worker's SMTP exchange is slow: the second job runs while it is under way.
    const slow: MailSender = {
      ...mail,
      send: async (m) => {
        inExchange();
        await held;
        return mail.send(m);
      },
    };
    const sending = sendNotice({ ...deps, mail: slow }, first);
    await exchanging;
    await expect(sendNotice(deps, second)).rejects.toThrow(/being sent by another worker/);
    release();
    await sending;
    // The second job's retry finds the notice sent.
    await sendNotice(deps, second);
    expect(smtp.received).toHaveLength(1);
    expect((await listNotifications(database.db, request.id)).map((n) => [n.status, n.attempts])).toEqual([['sent', 1]]);
  });

  it('lets a job retried after its worker died mid-send take its notice over at once', async () => {
    const request = await borrow(await library());
    const row = await noticeRow(request.id, 'request_received');
    // The first worker takes the attempt and never finishes (killed during the SMTP exchange).
    const dying: MailSender = { ...mail, send: () => new Promise(() => {}) };
    void sendNotice({ ...deps, mail: dying }, row);
    await eventually(async () => (await listNotifications(database.db, request.id))[0]?.status === 'sending');
    // BullMQ runs the same job again elsewhere: it is the holder, so it need not wait for the lease.
    await sendNotice(deps, row);
    expect(smtp.received).toHaveLength(1);
    expect((await listNotifications(database.db, request.id)).map((n) => [n.status, n.attempts])).toEqual([['sent', 2]]);
  });

  it('retries while the SMTP server is down, and the mail arrives once it is up', async () => {
    const port = await freeLoopbackPort();
    const downMail = createMailSender({ smtpUrl: `smtp://127.0.0.1:${port}`, dataDir: '/nonexistent' });
    const request = await borrow(await library());
    const row = await noticeRow(request.id, 'request_received');

    await expect(sendNotice({ ...deps, mail: downMail }, row)).rejects.toBeInstanceOf(MailUnavailable);
    await expect(sendNotice({ ...deps, mail: downMail }, row)).rejects.toBeInstanceOf(MailUnavailable);
    const [failed] = await listNotifications(database.db, request.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 2 });
    expect(failed?.error).toMatch(/ECONNECTION|ECONNREFUSED/);

    const later = await startSmtpServer(port);
    try {
      await sendNotice({ ...deps, mail: downMail }, row);
      await sendNotice({ ...deps, mail: downMail }, row);
      expect(later.received).toHaveLength(1);
      expect(later.received[0]!.envelopeTo).toEqual(['ada@example.org']);
      expect((await listNotifications(database.db, request.id))[0]).toMatchObject({ status: 'sent', attempts: 3, error: null });
    } finally {
      downMail.close();
      await later.close();
    }
  });

  it('retries when the server says try later (4xx)', async () => {
    smtp.refuse('busy@example.org', 451, 'Mailbox busy, try again later');
    const request = await borrow(await library(), { id: 'P-3', email: 'busy@example.org' });
    await expect(sendNotice(deps, await noticeRow(request.id, 'request_received'))).rejects.toBeInstanceOf(MailUnavailable);
    expect((await listNotifications(database.db, request.id))[0]).toMatchObject({ status: 'failed' });
  });

  it('gives up on an address the server refuses (5xx) with a note on the request, without flagging the loan', async () => {
    smtp.refuse('gone@example.org', 550, 'No such mailbox');
    const request = await borrow(await library(), { id: 'P-4', email: 'gone@example.org' });
    const row = await noticeRow(request.id, 'request_received');
    await expect(sendNotice(deps, row)).resolves.toBeUndefined();
    await sendNotice(deps, row);

    expect(smtp.received).toHaveLength(0);
    const [notification] = await listNotifications(database.db, request.id);
    expect(notification).toMatchObject({ status: 'skipped', recipient: 'gone@example.org', attempts: 1 });
    expect(notification?.error).toMatch(/refused the patron's address gone@example.org: .*550/);
    const notes = (await listEvents(database.db, request.id)).filter((e) => e.event === 'notice_skipped');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ actor: 'system:mail', fromState: request.state, toState: request.state });
    expect(String(notes[0]!.data.note)).toMatch(/no "request_received" e-mail to the patron: the mail server refused/);
    expect((await getRequest(database.db, request.id))?.needsAttention).toBe(false);
  });

  describe('who gets no mail', () => {
    it.each([
      ['a patron who opted out', { id: 'P-5', email: 'quiet@example.org', noMail: true }, 'the patron asked not to receive e-mail'],
      ['a patron without an address', { id: 'P-6' }, 'the patron has no e-mail address'],
    ])('%s: the notice is skipped with a note on the request, and the request goes on', async (_case, patron, why) => {
      const request = await borrow(await library(), patron);
      await sendNotice(deps, await noticeRow(request.id, 'request_received'));
      expect(smtp.received).toHaveLength(0);
      expect((await listNotifications(database.db, request.id))[0]).toMatchObject({ status: 'skipped', error: why, attempts: 0 });
      const note = (await listEvents(database.db, request.id)).find((e) => e.event === 'notice_skipped');
      expect(note?.data).toMatchObject({ notice: 'request_received', reason: why });
      const after = await getRequest(database.db, request.id);
      expect(after).toMatchObject({ state: request.state, version: request.version, needsAttention: false });
    });

    it('a malformed address (from a system that did not check it) is skipped with a note', async () => {
      const request = await borrow(await library());
      await updateRequest(database.db, request.id, request.version, { data: { ...request.data, patron: { id: 'P-7', email: 'not an address' } } }, new Date());
      await sendNotice(deps, await noticeRow(request.id, 'request_received'));
      expect(smtp.received).toHaveLength(0);
      expect((await listNotifications(database.db, request.id))[0]?.error).toBe('the patron\'s e-mail address "not an address" is not valid');
      expect((await listEvents(database.db, request.id)).map((e) => e.event)).toContain('notice_skipped');
    });

    it('a notice the library switched off is recorded as skipped, without a note', async () => {
      const libraryId = await library({ events: ['ready_for_pickup', 'overdue'] });
      const request = await borrow(libraryId);
      await sendNotice(deps, await noticeRow(request.id, 'request_received'));
      expect(smtp.received).toHaveLength(0);
      expect((await listNotifications(database.db, request.id))[0]).toMatchObject({ status: 'skipped', error: 'Riverside Public Library does not send "request_received" notices' });
      expect((await listEvents(database.db, request.id)).map((e) => e.event)).not.toContain('notice_skipped');

      await sendNotice(deps, await queueNotice(request.id, 'ready_for_pickup'));
      expect(smtp.received).toHaveLength(1);
    });

    it('a library with all mail off sends nothing', async () => {
      const request = await borrow(await library({ enabled: false }));
      await sendNotice(deps, await noticeRow(request.id, 'request_received'));
      expect(smtp.received).toHaveLength(0);
      expect((await listNotifications(database.db, request.id))[0]?.status).toBe('skipped');
    });
  });

  it('uses the library’s own template where it has one; a body it left out is made from the one it gave, never the default’s', async () => {
    const libraryId = await library({
      fromName: 'Riverside ILL desk',
      templates: { request_received: { subject: 'Riverside: got it ({{title}})', html: '<p>Hi {{patronName}}, we are on it: <em>{{title}}</em></p>' } },
    });
    const request = await borrow(libraryId, { id: 'P-8', name: 'Sam & Max', email: 'sam@example.org' });
    await sendNotice(deps, await noticeRow(request.id, 'request_received'));
    const parsed = smtp.received[0]!.parsed;
    expect(parsed.subject).toBe('Riverside: got it (Kindred)');
    expect(parsed.from?.value[0]?.name).toBe('Riverside ILL desk');
    expect(parsed.html).toBe('<p>Hi Sam &amp; Max, we are on it: <em>Kindred</em></p>');
    // Saved before both bodies were required: the text is the HTML's own words, not the default wording.
    expect(parsed.text).toBe('Hi Sam & Max, we are on it: Kindred');
  });

  it('does not send a reminder decided for a due date that has since changed', async () => {
    const request = await onLoan(await borrow(await library()), '2027-03-08T12:00:00Z');
    await sendNotice(deps, await queueNotice(request.id, 'due_soon', '2027-03-01T12:00:00Z'));
    expect(smtp.received).toHaveLength(0);
    expect((await listNotifications(database.db, request.id)).find((n) => n.event === 'due_soon')).toMatchObject({ status: 'skipped', error: 'the due date changed to 2027-03-08T12:00:00Z' });
  });

  describe('without SMTP_URL', () => {
    let dataDir: string;
    beforeAll(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'ill-mail-'));
    });
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    it('writes each mail as an .eml file under DATA_DIR/mail', async () => {
      const files = createMailSender({ dataDir });
      expect(files).toMatchObject({ kind: 'files', target: join(dataDir, 'mail') });
      const request = await borrow(await library(), { id: 'P-9', name: 'Eve', email: 'eve@example.org' }, 'Fish & <Chips>');
      const row = await noticeRow(request.id, 'request_received');
      await sendNotice({ ...deps, mail: files }, row);
      await sendNotice({ ...deps, mail: files }, row);

      const written = readdirSync(join(dataDir, 'mail'));
      expect(written).toHaveLength(1);
      expect(written[0]).toMatch(/\.eml$/);
      const parsed = await simpleParser(readFileSync(join(dataDir, 'mail', written[0]!)));
      expect(parsed.to).toMatchObject({ value: [{ address: 'eve@example.org' }] });
      expect(parsed.subject).toBe('We have your interlibrary loan request: Fish & <Chips> by Butler, Octavia E.');
      expect(parsed.html).toContain('Fish &amp; &lt;Chips&gt;');
      expect((await listNotifications(database.db, request.id))[0]).toMatchObject({ status: 'sent' });
    });

    it('a notice written again, because its "sent" record was lost with the database, replaces its file instead of becoming a second mail', async () => {
      const folder = mkdtempSync(join(tmpdir(), 'ill-mail-again-'));
      try {
        const files = createMailSender({ dataDir: folder });
        const mail = { to: 'eve@example.org', from: { address: 'ill@example.org' }, subject: 'Your item has arrived', text: 'Collect it at the desk.', html: '<p>Collect it at the desk.</p>', messageId: '<notice.row-1@example.org>' };
        await files.send(mail);
        await files.send(mail);
        expect(readdirSync(join(folder, 'mail'))).toEqual(['notice.row-1.eml']);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });
  });
});
