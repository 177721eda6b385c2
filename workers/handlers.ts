/**
 * The job handlers of this installation, one per job of the closed list (src/jobs.ts), each
 * typed by its job. Each feature that produces outbox rows registers its consumer here. A row
 * whose job has no handler goes dead at once, visible to staff, rather than waiting.
 */
import { JOBS, type SupplierAnswerPayload } from '../src/jobs';
import { deliverOutboxRow, type DeliveryDeps } from '../src/services/iso18626/delivery';
import { changeRequest } from '../src/services/pipeline/pipeline';
import { carryOutNcipCall } from '../src/services/ncip/circulation';
import type { MailSender } from '../src/notify/mailer';
import { sendNotice } from '../src/services/notices/notices';
import { sweepDueDates } from '../src/services/notices/sweep';
import { sweepRetention } from '../src/services/privacy/erasure';
import type { JobHandlers, ScheduledHandlers } from './runner';

export type HandlerDeps = DeliveryDeps & {
  /** Patron mail (server.ts always gives one; tests of other queues may leave it out). */
  readonly mail?: MailSender;
  readonly mailFrom?: string;
  /** PUBLIC_URL: patron mail's status links start with it. */
  readonly publicUrl?: string;
  readonly dueSoonDays?: number;
};

export function jobHandlers(deps: HandlerDeps): JobHandlers {
  const mail = deps.mail;
  return {
    [JOBS.send]: ({ row, attempt }) => deliverOutboxRow(deps, row, { attempt }),
    ...(mail ? { [JOBS.notice]: ({ row }) => sendNotice({ ...deps, mail, mailFrom: deps.mailFrom ?? 'ill@localhost' }, row) } : {}),
    // Calls to the member library's ILS; a Problem goes dead (needs attention), the rest retries.
    [JOBS.ncip]: ({ row }) => carryOutNcipCall(deps, row),
    // A stale timer (the request moved on) is a no-op decision in the machine.
    [JOBS.supplierAnswer]: ({ row }) => fire(deps, row.requestId!, { type: 'supplier_timeout', ...timerOf(row.payload) }),
    [JOBS.retryExpiry]: ({ row }) => fire(deps, row.requestId!, { type: 'retry_expired', ...timerOf(row.payload) }),
    // Only borrowing requests schedule a retry.
    [JOBS.retryDue]: async ({ row }) => {
      await changeRequest(deps, row.requestId!, { input: { role: 'requester', event: { type: 'retry_due', ...timerOf(row.payload) } }, actor: 'system:timer' });
    },
  };
}

const timerOf = (payload: SupplierAnswerPayload): SupplierAnswerPayload => (payload.requestId === undefined ? { rotaIndex: payload.rotaIndex } : { rotaIndex: payload.rotaIndex, requestId: payload.requestId });

/** A timer of a borrowing request or a broker hub's transaction, each by its own machine. */
async function fire(deps: HandlerDeps, requestId: string, event: { type: 'supplier_timeout' | 'retry_expired' } & SupplierAnswerPayload): Promise<void> {
  await changeRequest(deps, requestId, { input: (request) => (request.role === 'broker' ? { role: 'broker', event } : { role: 'requester', event }), actor: 'system:timer' });
}

/** Work started by job schedulers (workers/schedules.ts), by job. */
export function scheduledHandlers(deps: HandlerDeps): ScheduledHandlers {
  return {
    [JOBS.noticesSweep]: async ({ at, log }) => {
      const queued = await sweepDueDates({ ...deps, dueSoonDays: deps.dueSoonDays ?? 3 }, at);
      log.info({ dueSoon: queued.filter((r) => r.notice === 'due_soon').length, overdue: queued.filter((r) => r.notice === 'overdue').length }, 'due-date reminders queued');
    },
    [JOBS.retentionSweep]: async ({ at, log }) => {
      const erased = await sweepRetention(deps, at);
      log.info({ libraries: erased }, `patron details erased from ${erased.reduce((n, l) => n + l.erased, 0)} ended requests past their library’s retention`);
    },
  };
}
