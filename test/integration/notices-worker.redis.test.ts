/**
 * Patron mail through the whole server: the outbox row relayed to BullMQ, the notify worker
 * sending over SMTP, a replayed job, the daily sweep's schedule, and the .eml fallback.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { createBorrowingRequest, parseBorrowingRequest } from '../../src/services/borrowing/borrowing';
import { listNotifications } from '../../src/store/notifications';
import { getOutboxRow } from '../../src/store/outbox';
import { getRequest, updateRequest } from '../../src/store/requests';
import { outbox } from '../../src/store/schema';
import { requestNoticesSweep } from '../../workers/schedules';
import { eventually } from '../helpers/queues';
import { startInstance, type Instance } from '../helpers/instances';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp';

jest.setTimeout(60_000);

describe('patron mail through the server', () => {
  let smtp: TestSmtpServer;
  let server: Instance;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    server = await startInstance('mail', ['ISIL:DK-M'], { smtpUrl: smtp.url, noticesSweepHour: 6, dueSoonDays: 3 });
  });
  afterAll(async () => {
    await server?.destroy();
    await smtp?.close();
  });

  const db = () => server.service.runtime.database.db;
  const borrow = (title: string) =>
    createBorrowingRequest(server.service.lifecycle, server.libraryIds['ISIL:DK-M']!, parseBorrowingRequest({ bibliographic: { title }, patron: { id: 'P-1', name: 'Lauren', email: 'lauren@example.org' } }), 'staff:test', { channel: 'staff' });
  const mailsAbout = (title: string) => smtp.received.filter((m) => m.parsed.subject?.includes(title));

  it('sends the notice of a state change once, even when its job is replayed', async () => {
    const request = await borrow('Wild Seed');
    await eventually(async () => mailsAbout('Wild Seed').length === 1);
    const [row] = await db()
      .select()
      .from(outbox)
      .where(and(eq(outbox.requestId, request.id), eq(outbox.queue, 'notify')));
    await eventually(async () => (await getOutboxRow(db(), row!.id))?.status === 'done');

    // The same row delivered again as another job (a relay replay), and straight after it settles.
    const notify = server.service.queues.queues.notify;
    await notify.add('patron.notice', { outboxId: row!.id }, { jobId: `${row!.id}-again` });
    await eventually(async () => (await notify.getJobState(`${row!.id}-again`)) === 'completed');
    expect(mailsAbout('Wild Seed')).toHaveLength(1);
    expect(mailsAbout('Wild Seed')[0]!.envelopeTo).toEqual(['lauren@example.org']);
    expect(await listNotifications(db(), request.id)).toMatchObject([{ event: 'request_received', status: 'sent', attempts: 1 }]);
  });

  it('registers the daily sweep at the configured hour', async () => {
    const scheduler = await server.service.queues.queues.timers.getJobScheduler('notices.sweep');
    expect(scheduler).toMatchObject({ name: 'notices.sweep', pattern: '0 6 * * *' });
  });

  it('runs the sweep on demand through the timers worker and mails the due-soon reminder', async () => {
    const request = await borrow('Dawn');
    await eventually(async () => mailsAbout('Dawn').length === 1);
    const current = (await getRequest(db(), request.id))!;
    const dueDate = new Date(Date.now() + 2 * 24 * 3600 * 1000).toISOString();
    const lifecycle = { ...current.data.lifecycle, dueDate };
    await updateRequest(db(), current.id, current.version, { state: 'checked_out', data: { ...current.data, lifecycle } }, new Date());

    await requestNoticesSweep(server.service.queues.queues.timers, new Date());
    await eventually(async () => mailsAbout('Due soon: Dawn').length === 1);
    await requestNoticesSweep(server.service.queues.queues.timers, new Date(Date.now() + 1));
    await new Promise((r) => setTimeout(r, 500));
    expect(mailsAbout('Due soon: Dawn')).toHaveLength(1);
  });
});

describe('patron mail on embedded defaults (no SMTP_URL)', () => {
  it('writes the mail as .eml files under DATA_DIR/mail', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ill-eml-'));
    const server = await startInstance('eml', ['ISIL:DK-E'], { dataDir });
    try {
      await createBorrowingRequest(server.service.lifecycle, server.libraryIds['ISIL:DK-E']!, parseBorrowingRequest({ bibliographic: { title: 'Xenogenesis' }, patron: { id: 'P-2', email: 'p2@example.org' } }), 'staff:test', { channel: 'staff' });
      const files = await eventually(async () => {
        try {
          const found = readdirSync(join(dataDir, 'mail')).filter((f) => f.endsWith('.eml'));
          return found.length > 0 ? found : undefined;
        } catch {
          return undefined;
        }
      });
      expect(files).toHaveLength(1);
    } finally {
      await server.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
