/**
 * Patron notices: what to send for a `notify` effect (pure: `planNotice`, `previewNotice`), and
 * sending it once (`sendNotice`, the consumer of `patron.notice` outbox rows).
 *
 * Exactly once per event, as far as SMTP allows. The notifications row (unique dedupe key) is
 * claimed before anything is sent, and a `sent` or `skipped` row is never sent again, so a
 * replayed or retried job, or a second effect for the same event (the supplier's Overdue and the
 * daily sweep), mails once. Two workers holding the same notice at once are kept apart by
 * `startAttempt`: the row is `sending` while one job holds it, and another job tries again later
 * (the holder's own retry takes over at once; anyone after SENDING_LEASE_MS). What remains is the window between the SMTP
 * server's 250 and our `markSent`: a crash there sends the mail again on retry. We chose that
 * (at least once) over marking the row before sending (at most once, and a crash would lose the
 * notice silently); the duplicate carries the same Message-ID, which mail systems and clients
 * use to collapse copies.
 *
 * A patron without a usable address, or one the mail server refuses (5xx), gets no mail: the
 * row is `skipped` with the reason, a `notice_skipped` event goes on the request's audit trail,
 * and the job ends normally, so the loan is never flagged or held up by mail. Transient SMTP
 * failures throw and the job retries.
 */
import { z } from 'zod';
import { PATRON_NOTICES, type PatronNotice } from '../../domain/types';
import { PermanentJobFailure, type NoticePayload } from '../../jobs';
import type { MailSkipReason } from '../../metrics/metrics';
import { MailRefused, type MailSender } from '../../notify/mailer';
import { renderNotice, templateFor, type RenderedNotice } from '../../notify/render';
import { isPatronNotice, mailSettingsOf, noticeEnabled } from '../../notify/settings';
import { buildNoticeView } from '../../notify/view';
import type { Db } from '../../store/db';
import { appendRemark } from '../../store/events';
import type { LibraryRow } from '../../store/libraries';
import { claimNotification, markFailed, markSent, markSkipped, startAttempt, type NotificationRow } from '../../store/notifications';
import type { OutboxRow } from '../../store/outbox';
import type { StoredPatron } from '../../store/request-data';
import { getRequest, type RequestRow } from '../../store/requests';
import { patronLanguageOf } from '../patrons/settings';
import type { ServiceDeps } from '../deps';
import { ValidationFailed } from '../errors';
import { statusLinkFor } from '../patrons/status-link';

export interface NoticeDeps extends ServiceDeps {
  readonly mail: MailSender;
  /** Sender when the library names none (MAIL_FROM). */
  readonly mailFrom: string;
  /** The server's address for patrons (PUBLIC_URL), which status links start with; absent: mail carries no status link. */
  readonly publicUrl?: string;
}

/** Notices that can recur for a new due date: a renewal's new date gets its own reminders. */
const PER_DUE_DATE: ReadonlySet<PatronNotice> = new Set(['due_soon', 'overdue', 'renewed', 'renew_refused']);

export function noticeDedupeKey(requestId: string, notice: PatronNotice, dueDate: string | undefined): string {
  if (!PER_DUE_DATE.has(notice) || !dueDate) return `${requestId}:${notice}`;
  const time = new Date(dueDate);
  return `${requestId}:${notice}:${Number.isNaN(time.getTime()) ? dueDate : time.toISOString()}`;
}

/** Requester states in which the patron has, or is about to have, the item. */
export const ON_LOAN_STATES = ['shipped', 'received', 'checked_out', 'overdue', 'recalled', 'renew_pending'] as const;

export type NoticePlan =
  | { readonly send: true; readonly to: string; readonly from: { address: string; name: string }; readonly replyTo?: string; readonly rendered: RenderedNotice }
  /** `note`: staff should see this on the request (the patron will not hear from us); `reason`: which kind of skip, for /metrics. */
  | { readonly send: false; readonly reason: MailSkipReason; readonly why: string; readonly note: boolean; readonly to: string | null };

const emailAddress = z.email();

/**
 * What to do for `notice` on `request`, from the request, its library and the settings. Pure:
 * the caller signs the request's status link (`statusUrl`) and passes it in.
 */
export function planNotice(request: RequestRow, library: LibraryRow | undefined, notice: PatronNotice, ctx: { readonly mailFrom: string; readonly dueDate?: string; readonly statusUrl?: string }): NoticePlan {
  const patron: Partial<StoredPatron> = request.data.patron ?? {};
  const to = typeof patron.email === 'string' && patron.email.trim() !== '' ? patron.email.trim() : null;
  const skip = (reason: MailSkipReason, why: string, note: boolean): NoticePlan => ({ send: false, reason, why, note, to });
  // A lending request's patron belongs to the partner library, which tells its own patrons.
  if (request.role !== 'requester') return skip('not_borrowing', 'patron notices are sent for borrowing requests only', false);
  if (!library) return skip('no_library', 'the request belongs to no member library', false);
  const settings = mailSettingsOf(library.settings);
  if (!settings.ok) return skip('invalid_settings', `the library's mail settings are not valid: ${settings.problems.join('; ')}`, true);
  if (!noticeEnabled(settings.value, notice)) return skip('notice_off', `${library.name} does not send "${notice}" notices`, false);
  const stale = staleReminder(request, notice, ctx.dueDate);
  if (stale) return skip(stale.reason, stale.why, false);
  if (patron.noMail === true) return skip('patron_opted_out', 'the patron asked not to receive e-mail', true);
  if (!to) return skip('no_address', 'the patron has no e-mail address', true);
  if (!emailAddress.safeParse(to).success) return skip('invalid_address', `the patron's e-mail address "${to}" is not valid`, true);
  const language = patronLanguageOf(library);
  const view = { ...buildNoticeView(request, library, notice, { timeZone: settings.value.timeZone, language }), ...(ctx.statusUrl ? { statusUrl: ctx.statusUrl } : {}) };
  return {
    send: true,
    to,
    from: { address: settings.value.fromAddress ?? ctx.mailFrom, name: settings.value.fromName ?? library.name },
    ...(settings.value.replyTo ? { replyTo: settings.value.replyTo } : {}),
    rendered: renderNotice(templateFor(notice, language, settings.value.templates[notice]), view),
  };
}

/** A reminder decided for one due date says nothing once the date changed or the item is back. */
function staleReminder(request: RequestRow, notice: PatronNotice, dueDate: string | undefined): { reason: MailSkipReason; why: string } | undefined {
  if (notice !== 'due_soon' && notice !== 'overdue') return undefined;
  const lifecycle = request.data.lifecycle;
  if (!(ON_LOAN_STATES as readonly string[]).includes(request.state) || lifecycle?.resumeState === 'returned_by_patron') return { reason: 'not_on_loan', why: `the item is no longer on loan (${request.state})` };
  if (dueDate && lifecycle?.dueDate && new Date(dueDate).getTime() !== new Date(lifecycle.dueDate).getTime()) return { reason: 'due_date_changed', why: `the due date changed to ${lifecycle.dueDate}` };
  return undefined;
}

export interface NoticePreview extends RenderedNotice {
  readonly to: string | null;
  readonly from: { readonly address: string; readonly name: string };
  /** Set when this notice would not be sent for this request, and why. */
  readonly notSent?: string;
}

/**
 * The notice as it would be sent for this request, rendered with the library's templates,
 * without sending or recording anything (the staff API's preview). Renders even when the notice
 * would be skipped (opted-out patron, event switched off), saying so in `notSent`.
 */
export function previewNotice(request: RequestRow, library: LibraryRow, event: string, ctx: { readonly mailFrom: string; readonly statusUrl?: string }): NoticePreview {
  if (!isPatronNotice(event)) throw new ValidationFailed([{ path: 'event', message: `must be one of ${PATRON_NOTICES.join(', ')}` }], `unknown notice "${event}"`);
  const settings = mailSettingsOf(library.settings);
  if (!settings.ok) throw new ValidationFailed(settings.problems.map((p) => ({ path: `settings.${p.split(':')[0]}`, message: p.slice(p.indexOf(':') + 2) })), 'the library’s mail settings are not valid');
  const plan = planNotice(request, library, event, ctx);
  const language = patronLanguageOf(library);
  const view = { ...buildNoticeView(request, library, event, { timeZone: settings.value.timeZone, language }), ...(ctx.statusUrl ? { statusUrl: ctx.statusUrl } : {}) };
  const rendered = renderNotice(templateFor(event, language, settings.value.templates[event]), view);
  const from = { address: settings.value.fromAddress ?? ctx.mailFrom, name: settings.value.fromName ?? library.name };
  return { ...rendered, to: plan.to, from, ...(plan.send ? {} : { notSent: plan.why }) };
}

/** The consumer of a `patron.notice` outbox row. Safe to run any number of times. */
export async function sendNotice(deps: NoticeDeps, row: OutboxRow): Promise<void> {
  const payload = row.payload as Partial<NoticePayload>;
  if (typeof payload.notice !== 'string' || !isPatronNotice(payload.notice)) throw new PermanentJobFailure(`outbox row ${row.id} names no patron notice`);
  const notice = payload.notice;
  const request = row.requestId ? await getRequest(deps.db, row.requestId) : undefined;
  if (!request) throw new PermanentJobFailure(`outbox row ${row.id} has no request`);
  const library = request.libraryId ? await deps.directory.libraryById(request.libraryId) : undefined;
  // Signed at each attempt: the link's days count from the mail that carries it.
  const statusUrl = await statusLinkFor(deps, request, library, deps.publicUrl);
  const plan = planNotice(request, library, notice, { mailFrom: deps.mailFrom, ...(payload.dueDate ? { dueDate: payload.dueDate } : {}), ...(statusUrl ? { statusUrl } : {}) });
  const { row: claimed } = await claimNotification(deps.db, {
    id: deps.newId(),
    requestId: request.id,
    event: notice,
    dedupeKey: noticeDedupeKey(request.id, notice, payload.dueDate),
    recipient: plan.to,
    createdAt: deps.now(),
  });
  if (claimed.status === 'sent' || claimed.status === 'skipped') return;
  if (!plan.send) return skipNotice(deps, claimed, plan.reason, plan.why, plan.note, plan.to);

  if (!(await startAttempt(deps.db, claimed.id, claimed.attempts, plan.to, deps.now(), row.id))) {
    throw new Error(`notice ${claimed.dedupeKey} is being sent by another worker; checking again later`);
  }
  let providerMessageId: string;
  try {
    const sent = await deps.mail.send({
      to: plan.to,
      from: plan.from,
      ...(plan.replyTo ? { replyTo: plan.replyTo } : {}),
      ...plan.rendered,
      messageId: `<notice.${claimed.id}@${domainOf(plan.from.address)}>`,
    });
    providerMessageId = sent.messageId;
  } catch (err) {
    if (err instanceof MailRefused) {
      const whose = err.refused === 'recipient' ? `the patron's address ${plan.to}` : 'the message';
      return skipNotice(deps, claimed, err.refused === 'recipient' ? 'address_refused' : 'message_refused', `the mail server refused ${whose}: ${err.message}`, true, plan.to);
    }
    await markFailed(deps.db, claimed.id, err instanceof Error ? err.message : String(err));
    throw err;
  }
  await markSent(deps.db, claimed.id, providerMessageId, deps.now());
  deps.metrics?.mailSent(notice);
  deps.changes?.changed([claimed.requestId]);
}

async function skipNotice(deps: NoticeDeps, notification: NotificationRow, reason: MailSkipReason, why: string, note: boolean, to: string | null): Promise<void> {
  let skipped = false;
  await deps.db.transaction(async (tx: Db) => {
    const settled = await markSkipped(tx, notification.id, why, to);
    skipped = settled;
    if (!settled || !note) return;
    const request = await getRequest(tx, notification.requestId);
    if (!request) return;
    await appendRemark(tx, request, {
      event: 'notice_skipped',
      actor: 'system:mail',
      data: { note: `no "${notification.event}" e-mail to the patron: ${why}`, notice: notification.event, reason: why, notificationId: notification.id },
      at: deps.now(),
    });
  });
  // Counted once: a replayed job finds the notice skipped already and settles nothing.
  if (skipped) deps.metrics?.mailSkipped(notification.event, reason);
  deps.changes?.changed([notification.requestId]);
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1) || 'localhost';
}
