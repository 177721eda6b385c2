/**
 * Effects (data from the machines) as outbox rows. The recipient of a message is fixed here, at
 * decision time, so a later move along the rota cannot redirect a message already decided.
 *
 * Effects this installation cannot carry out yet are not queued (a job nobody consumes would
 * only go dead): they are listed in the audit event as not carried out, with the reason.
 */
import type { BrokerSend } from '../../domain/broker';
import type { Effect, Lifecycle } from '../../domain/types';
import { JOBS, outboxJob, TIMER_JOBS } from '../../jobs';
import type { LibraryRow } from '../../store/libraries';
import type { OutboxEffect } from '../../store/outbox';
import type { RequestRow } from '../../store/requests';
import { ncipSkipReason } from '../ncip/settings';

export interface SkippedEffect {
  readonly effect: Effect;
  readonly why: string;
}

export function outboxRowsFor(
  request: RequestRow,
  lifecycle: Lifecycle,
  effects: readonly Effect[],
  ctx: { readonly at: Date; readonly library: LibraryRow | undefined; readonly requestingAgencyRequestId: string },
): { rows: OutboxEffect[]; skipped: SkippedEffect[] } {
  const rows: OutboxEffect[] = [];
  const skipped: SkippedEffect[] = [];
  for (const effect of effects) {
    switch (effect.kind) {
      case 'send': {
        const to = recipientOf(request, lifecycle, effect);
        if (!to) skipped.push({ effect, why: 'no supplier at that rota position' });
        else rows.push(outboxJob(JOBS.send, { to, message: effect.message, ...supplierOf(request, effect) }, { requestId: request.id }));
        break;
      }
      case 'timer':
        // The timer names the transaction it was set for: a retry renames it, and the old timers go stale.
        rows.push(outboxJob(TIMER_JOBS[effect.timer], { rotaIndex: effect.rotaIndex, requestId: ctx.requestingAgencyRequestId }, { requestId: request.id, notBefore: new Date(ctx.at.getTime() + effect.afterMs) }));
        break;
      case 'ncip': {
        const why = ncipSkipReason(ctx.library, effect.call);
        if (why === undefined) rows.push(outboxJob(JOBS.ncip, { call: effect.call }, { requestId: request.id }));
        else skipped.push({ effect, why });
        break;
      }
      case 'notify':
        // Whether and how the patron is told is settled when the row runs (settings, opt-out,
        // address); the due date is fixed now, so a renewal's reminders are new notices.
        if (request.role !== 'requester') skipped.push({ effect, why: 'patron notices are sent for borrowing requests only' });
        else rows.push(outboxJob(JOBS.notice, { notice: effect.notice, ...(lifecycle.dueDate ? { dueDate: lifecycle.dueDate } : {}) }, { requestId: request.id }));
        break;
    }
  }
  return { rows, skipped };
}

function supplierOf(request: RequestRow, effect: Extract<Effect, { kind: 'send' }>): { supplier?: string } {
  const supplier = request.role === 'broker' && effect.message.kind === 'supplyingAgencyMessage' ? (effect as BrokerSend).supplier : undefined;
  return supplier ? { supplier } : {};
}

function recipientOf(request: RequestRow, lifecycle: Lifecycle, effect: Extract<Effect, { kind: 'send' }>): string | undefined {
  if (request.role === 'supplier') return request.requestingAgencyId;
  if (request.role === 'broker') {
    // The hub: SAMs go to the requester; requests and RAMs to the supplier the decision named.
    if (effect.message.kind === 'supplyingAgencyMessage') return request.requestingAgencyId;
    const named = (effect as BrokerSend).supplier;
    if (named) return named;
  }
  const message = effect.message;
  const index = message.kind === 'request' ? message.rotaIndex : message.kind === 'requestingAgencyMessage' && message.rotaIndex !== undefined ? message.rotaIndex : (lifecycle.rotaIndex ?? 0);
  return lifecycle.rota?.[index]?.symbol;
}
