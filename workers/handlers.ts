/**
 * The job handlers of this installation, by queue and job name. Each feature that produces
 * outbox rows registers its consumer here. A row whose job name has no handler goes dead at
 * once, visible to staff, rather than waiting.
 */
import { JOBS } from '../src/services/pipeline/effects';
import { deliverOutboxRow, type DeliveryDeps } from '../src/services/iso18626/delivery';
import { changeRequest } from '../src/services/pipeline/pipeline';
import { carryOutNcipCall } from '../src/services/ncip/circulation';
import type { MailSender } from '../src/notify/mailer';
import { sendNotice } from '../src/services/notices/notices';
import { sweepDueDates } from '../src/services/notices/sweep';
import type { JobHandlers, ScheduledHandlers } from './runner';

export type HandlerDeps = DeliveryDeps & {
  /** Patron mail (server.ts always gives one; tests of other queues may leave it out). */
  readonly mail?: MailSender;
  readonly mailFrom?: string;
  readonly dueSoonDays?: number;
};

export function jobHandlers(deps: HandlerDeps): JobHandlers {
  return {
    delivery: {
      [JOBS.send]: ({ row, attempt }) => deliverOutboxRow(deps, row, { attempt }),
    },
    ...(deps.mail ? { notify: { [JOBS.notice]: ({ row }) => sendNotice({ ...deps, mail: deps.mail!, mailFrom: deps.mailFrom ?? 'ill@localhost' }, row) } } : {}),
    // Calls to the member library's ILS; a Problem goes dead (needs attention), the rest retries.
    ncip: {
      [JOBS.ncip]: ({ row }) => carryOutNcipCall(deps, row),
    },
    timers: {
      // A stale timer (the request moved on) is a no-op decision in the machine.
      [JOBS.supplierAnswer]: async ({ row }) => {
        const { rotaIndex } = row.payload as { rotaIndex: number };
        // A borrowing request or a broker hub's transaction, each by its own machine.
        const event = { type: 'supplier_timeout', rotaIndex } as const;
        await changeRequest(deps, row.requestId!, { input: (request) => (request.role === 'broker' ? { role: 'broker', event } : { role: 'requester', event }), actor: 'system:timer' });
      },
    },
  };
}

/** Work started by job schedulers (workers/schedules.ts), by queue and job name. */
export function scheduledHandlers(deps: HandlerDeps): ScheduledHandlers {
  return {
    timers: {
      [JOBS.noticesSweep]: async ({ at, log }) => {
        const queued = await sweepDueDates({ ...deps, dueSoonDays: deps.dueSoonDays ?? 3 }, at);
        log.info({ dueSoon: queued.filter((r) => r.notice === 'due_soon').length, overdue: queued.filter((r) => r.notice === 'overdue').length }, 'due-date reminders queued');
      },
    },
  };
}
