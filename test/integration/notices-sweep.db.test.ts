/**
 * The daily due-date sweep against a real database and SMTP server: due-soon and overdue
 * reminders, once per due date, a renewal's new date reminded again.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { createMailSender, type MailSender } from '../../src/notify/mailer';
import { createBorrowingRequest, parseBorrowingRequest } from '../../src/services/borrowing/borrowing';
import { sendNotice } from '../../src/services/notices/notices';
import { sweepDueDates, type SweepDeps } from '../../src/services/notices/sweep';
import { insertLibrary } from '../../src/store/libraries';
import { listNotifications } from '../../src/store/notifications';
import { addToOutbox, getOutboxRow } from '../../src/store/outbox';
import { getRequest, updateRequest, type RequestRow } from '../../src/store/requests';
import { outbox, requests } from '../../src/store/schema';
import { freshDatabase, type TestDatabase } from '../helpers/db';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp';

const DAY = 24 * 3600 * 1000;

describe('the daily due-date sweep', () => {
  let database: TestDatabase;
  let smtp: TestSmtpServer;
  let mail: MailSender;
  let deps: SweepDeps & { supplierTimeoutMs: number; mail: MailSender; mailFrom: string };
  let libraryId: string;
  const now = new Date('2027-03-01T07:00:00Z');

  beforeAll(async () => {
    database = await freshDatabase();
    smtp = await startSmtpServer();
    mail = createMailSender({ smtpUrl: smtp.url, dataDir: '/nonexistent' });
    deps = { db: database.db, directory: database.directory, now: () => now, newId: randomUUID, supplierTimeoutMs: 3600_000, dueSoonDays: 3, mail, mailFrom: 'ill@example.org' };
    libraryId = randomUUID();
    await insertLibrary(database.db, { id: libraryId, symbol: 'ISIL:DK-SW', name: 'Sweep Library', settings: {} });
  });
  afterAll(async () => {
    mail.close();
    await smtp.close();
    await database.close();
  });
  beforeEach(async () => {
    smtp.received.length = 0;
    // Each test starts with no loan due: earlier tests' loans are returned.
    await database.db.update(requests).set({ state: 'complete' }).where(eq(requests.state, 'checked_out'));
  });

  async function loanDue(dueDate: Date, state = 'checked_out', title = 'Parable of the Sower'): Promise<RequestRow> {
    const created = await createBorrowingRequest(deps, libraryId, parseBorrowingRequest({ bibliographic: { title }, patron: { id: 'P-1', email: 'reader@example.org' } }), 'staff:test', { channel: 'staff' });
    const lifecycle = { ...created.data.lifecycle, dueDate: dueDate.toISOString(), lastStatus: 'Loaned' as const };
    return (await updateRequest(database.db, created.id, created.version, { state, data: { ...created.data, lifecycle } }, now))!;
  }

  async function renew(request: RequestRow, dueDate: Date): Promise<void> {
    const current = (await getRequest(database.db, request.id))!;
    const lifecycle = { ...current.data.lifecycle, dueDate: dueDate.toISOString() };
    await updateRequest(database.db, current.id, current.version, { data: { ...current.data, lifecycle } }, now);
  }

  const reminderRows = async (requestId: string) =>
    (await database.db.select().from(outbox).where(and(eq(outbox.requestId, requestId), eq(outbox.queue, 'notify')))).filter((r) => ['due_soon', 'overdue'].includes((r.payload as { notice: string }).notice));

  it('queues a due-soon reminder for a loan due within the window, once', async () => {
    const soon = await loanDue(new Date(now.getTime() + 2 * DAY));
    const later = await loanDue(new Date(now.getTime() + 10 * DAY));

    expect(await sweepDueDates(deps, now)).toEqual([{ requestId: soon.id, notice: 'due_soon', dueDate: new Date(now.getTime() + 2 * DAY).toISOString() }]);
    expect(await sweepDueDates(deps, new Date(now.getTime() + DAY))).toEqual([]);
    expect(await reminderRows(soon.id)).toHaveLength(1);
    expect(await reminderRows(later.id)).toHaveLength(0);

    const [row] = await reminderRows(soon.id);
    await sendNotice(deps, row!);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.parsed.subject).toBe('Due soon: Parable of the Sower');
    expect(smtp.received[0]!.parsed.text).toContain('is due back on Wednesday 3 March 2027');
  });

  it('queues an overdue reminder once per due date, and new reminders for a renewal’s new date', async () => {
    const loan = await loanDue(new Date(now.getTime() - DAY));
    expect((await sweepDueDates(deps, now)).map((r) => r.notice)).toEqual(['overdue']);
    expect(await sweepDueDates(deps, new Date(now.getTime() + DAY))).toEqual([]);

    await renew(loan, new Date(now.getTime() + 20 * DAY));
    expect(await sweepDueDates(deps, new Date(now.getTime() + 2 * DAY))).toEqual([]);
    expect((await sweepDueDates(deps, new Date(now.getTime() + 18 * DAY))).map((r) => r.notice)).toEqual(['due_soon']);
    expect((await sweepDueDates(deps, new Date(now.getTime() + 21 * DAY))).map((r) => r.notice)).toEqual(['overdue']);
    expect(await sweepDueDates(deps, new Date(now.getTime() + 22 * DAY))).toEqual([]);

    const keys = (await listNotifications(database.db, loan.id)).map((n) => n.dedupeKey.split(':').slice(1).join(':')).sort();
    expect(keys).toEqual([
      `due_soon:${new Date(now.getTime() + 20 * DAY).toISOString()}`,
      `overdue:${new Date(now.getTime() - DAY).toISOString()}`,
      `overdue:${new Date(now.getTime() + 20 * DAY).toISOString()}`,
    ]);
  });

  it('does not repeat an overdue notice the supplier’s Overdue status already sent for that due date', async () => {
    const dueDate = new Date(now.getTime() - 2 * DAY).toISOString();
    const loan = await loanDue(new Date(dueDate), 'overdue');
    const [id] = await database.db.transaction((tx) => addToOutbox(tx, [{ queue: 'notify', jobName: 'patron.notice', requestId: loan.id, payload: { notice: 'overdue', dueDate } }], randomUUID));
    await sendNotice(deps, (await getOutboxRow(database.db, id!))!);
    expect(smtp.received).toHaveLength(1);

    expect(await sweepDueDates(deps, now)).toEqual([]);
  });

  it('leaves items the patron has returned alone', async () => {
    await loanDue(new Date(now.getTime() - DAY), 'returned_by_patron');
    expect(await sweepDueDates(deps, now)).toEqual([]);
  });
});
