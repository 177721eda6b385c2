/**
 * Patron mail when the library's ILS checks patrons (NCIP LookupUser against a mock ILS), through
 * the staff API, the NCIP worker's handler and a real SMTP server on loopback: the "request
 * received" notice waits for the ILS's answer and goes to the address it brings, once; it greets by
 * the ILS's name, names the pickup location as the library's settings do, quotes the request
 * number staff find the request by; a patron the ILS refuses is not told a request was received.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/http/app';
import { apiRouter } from '../../src/http/api';
import { JOBS, outboxJob, requireJob } from '../../src/jobs';
import { createMailSender, type MailSender } from '../../src/notify/mailer';
import { createApiKey } from '../../src/services/access/api-keys';
import { sendNotice, type NoticeDeps } from '../../src/services/notices/notices';
import { listEvents } from '../../src/store/events';
import { insertLibrary } from '../../src/store/libraries';
import { listNotifications } from '../../src/store/notifications';
import { addToOutbox, getOutboxRow, listOutboxForRequest } from '../../src/store/outbox';
import { jobHandlers } from '../../workers/handlers';
import { freshDatabase, type TestDatabase } from '../helpers/db';
import { startMockIls, type MockIls } from '../helpers/mock-ils';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp';

const LIBRARY = 'ISIL:DK-210';

describe('patron mail with the patron checked in the ILS', () => {
  let database: TestDatabase;
  let ils: MockIls;
  let smtp: TestSmtpServer;
  let mail: MailSender;
  let deps: NoticeDeps & { supplierTimeoutMs: number };
  let app: ReturnType<typeof createApp>;
  let key: string;

  beforeAll(async () => {
    database = await freshDatabase();
    ils = await startMockIls({
      agencyId: 'DK-210-ILS',
      users: [
        { id: 'P-77', givenName: 'Shevek', surname: 'Urras', email: 'shevek@anarres.example' },
        { id: 'P-13', surname: 'Blocked', email: 'blocked@example.org', blocked: true },
        { id: 'P-40' },
      ],
    });
    smtp = await startSmtpServer();
    mail = createMailSender({ smtpUrl: smtp.url, dataDir: '/nonexistent' });
    deps = { db: database.db, directory: database.directory, now: () => new Date(), newId: randomUUID, supplierTimeoutMs: 3600_000, mail, mailFrom: 'ill@riverside.example.org' };
    app = createApp({ log: pino({ level: 'silent' }), bodyLimit: 64 * 1024, health: {}, routers: [apiRouter(deps, { checkAnswers: true })] });
    await insertLibrary(database.db, {
      id: randomUUID(),
      symbol: LIBRARY,
      name: 'Riverside Library',
      settings: {
        ncip: { url: ils.url, fromAgencyId: 'DK-210', toAgencyId: 'DK-210-ILS', timeoutMs: 5000 },
        pickupLocations: [
          { code: 'SCI', name: 'Science Library, ground floor', address: 'Universitetsparken 1, 2100 København Ø' },
          { code: 'MAIN', name: 'Main desk' },
        ],
      },
    });
    key = `Bearer ${(await createApiKey(deps, { name: 'desk', role: 'staff' })).key}`;
  });
  afterAll(async () => {
    mail.close();
    await Promise.all([smtp.close(), ils.close()]);
    await database.close();
  });
  beforeEach(() => {
    smtp.received.length = 0;
  });

  const get = (path: string) => request(app).get(`/api/v1${path}`).set('Authorization', key);
  const post = (path: string, body: object) => request(app).post(`/api/v1${path}`).set('Authorization', key).send(body);
  const borrow = async (patron: Record<string, unknown>) => {
    // No lenders named and none in the directory: the request waits in `validated` once the patron is checked.
    const res = await post('/requests', { library: LIBRARY, serviceType: 'Loan', bibliographic: { title: 'The Dispossessed', author: 'Le Guin, Ursula K.' }, patron, pickupLocation: 'SCI' });
    expect(res.status).toBe(201);
    return res.body as { id: string; requestNumber: string; version: number };
  };
  const done = new Set<string>();
  /** Runs the request's outbox rows not run yet, as the workers do: NCIP calls first, then patron notices. */
  const work = async (id: string) => {
    const handlers = jobHandlers({ ...deps, timeoutMs: 5000 });
    for (const row of await listOutboxForRequest(database.db, id)) {
      if (row.jobName !== JOBS.ncip || done.has(row.id)) continue;
      done.add(row.id);
      await handlers[JOBS.ncip]!({ row: requireJob(row, JOBS.ncip), attempt: 1, log: pino({ level: 'silent' }) });
    }
    for (const row of await listOutboxForRequest(database.db, id)) {
      if (row.jobName !== JOBS.notice || done.has(row.id)) continue;
      done.add(row.id);
      await sendNotice(deps, row);
    }
  };
  const receivedNotices = async (id: string) => (await listOutboxForRequest(database.db, id)).filter((r) => r.jobName === JOBS.notice && (r.payload as { notice?: string }).notice === 'request_received');

  it('sends "request received" to the address LookupUser brings, greeting by the ILS’s name, once', async () => {
    const created = await borrow({ id: 'P-77' });
    expect(await receivedNotices(created.id)).toHaveLength(0); // no address yet: the notice waits for the ILS

    await work(created.id);
    expect(smtp.received).toHaveLength(1);
    const [mailed] = smtp.received;
    expect(mailed!.envelopeTo).toEqual(['shevek@anarres.example']);
    expect(mailed!.parsed.text).toMatch(/^Dear Shevek Urras,\n/);
    expect(mailed!.parsed.html).toContain('<p>Dear Shevek Urras,</p>');
    expect(mailed!.parsed.text).toContain(`Your request number: ${created.requestNumber}`);
    expect(mailed!.parsed.text).not.toContain(created.id);
    expect(await listNotifications(database.db, created.id)).toMatchObject([{ event: 'request_received', recipient: 'shevek@anarres.example', status: 'sent' }]);

    // Staff correct the patron after it was validated: the ILS is asked again and validates again, and the patron hears nothing twice.
    const { version } = (await get(`/requests/${created.id}`)).body as { version: number };
    expect((await post(`/requests/${created.id}/actions`, { action: 'edit_patron', params: { pickupLocation: 'MAIN' }, version })).status).toBe(200);
    await work(created.id);
    expect(await receivedNotices(created.id)).toHaveLength(2);
    expect(smtp.received).toHaveLength(1);
    expect(await listNotifications(database.db, created.id)).toHaveLength(1);
  });

  it('names the pickup location as the library’s settings do, with its address, not by its code', async () => {
    const created = await borrow({ id: 'P-77' });
    await work(created.id);
    const [id] = await database.db.transaction((tx) => addToOutbox(tx, [outboxJob(JOBS.notice, { notice: 'shipped' }, { requestId: created.id })], randomUUID));
    smtp.received.length = 0;
    await sendNotice(deps, (await getOutboxRow(database.db, id!))!);
    const { text, html } = smtp.received[0]!.parsed;
    expect(text).toContain('ready for you to collect at Science Library, ground floor (Universitetsparken 1, 2100 København Ø).');
    expect(html).toContain('collect at Science Library, ground floor (Universitetsparken 1, 2100 København Ø).');
    expect(text).not.toContain('SCI');
  });

  it('finds the request by the number the mail quotes, typed or scanned', async () => {
    const created = await borrow({ id: 'P-77' });
    expect(created.requestNumber).toMatch(/^[1-9]\d*$/);
    const ids = (res: request.Response) => (res.body.items as { id: string }[]).map((r) => r.id);
    expect(ids(await get(`/requests?q=${created.requestNumber}`))).toContain(created.id);
    expect(ids(await get(`/requests?q=${encodeURIComponent(`#${created.requestNumber}`)}`))).toContain(created.id);
    expect(ids(await get(`/requests?barcode=${created.requestNumber}`))).toEqual([created.id]);
    expect((await get(`/requests/${created.id}`)).body.requestNumber).toBe(created.requestNumber);
    // Mail sent before requests were counted quotes the id's first eight hex digits: still found.
    const earlier = created.id.replace(/-/g, '').slice(0, 8).toUpperCase();
    expect(ids(await get(`/requests?q=${earlier.slice(0, 4)}-${earlier.slice(4)}`))).toContain(created.id);
    expect(ids(await get(`/requests?barcode=${earlier.toLowerCase()}`))).toEqual([created.id]);
  });

  it('does not tell a patron the ILS blocks that a request was received', async () => {
    const created = await borrow({ id: 'P-13', email: 'desk-typed@example.org' });
    await work(created.id);
    expect((await get(`/requests/${created.id}`)).body).toMatchObject({ state: 'error', data: { lifecycle: { reasonCategory: 'patron_blocked' } } });
    expect(await receivedNotices(created.id)).toHaveLength(0);
    expect(smtp.received).toHaveLength(0);
  });

  it('greets with "Hello," and records on the request that no mail went out when neither the request nor the ILS has an address or a name', async () => {
    const created = await borrow({ id: 'P-40' });
    await work(created.id);
    expect(smtp.received).toHaveLength(0);
    expect(await listNotifications(database.db, created.id)).toMatchObject([{ event: 'request_received', status: 'skipped', error: 'the patron has no e-mail address' }]);
    expect((await listEvents(database.db, created.id)).map((e) => e.event)).toContain('notice_skipped');
    const preview = await get(`/requests/${created.id}/notices/request_received/preview`);
    expect(preview.body.text).toMatch(/^Hello,\n/);
  });
});
