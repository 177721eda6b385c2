/**
 * Effects (data from the machines) as outbox rows. The recipient of a message is fixed here, at
 * decision time, so a later move along the rota cannot redirect a message already decided.
 *
 * Effects this installation cannot carry out yet are not queued (a job nobody consumes would
 * only go dead): they are listed in the audit event as not carried out, with the reason.
 */
import type { BrokerSend } from '../../domain/broker';
import type { Effect, Lifecycle } from '../../domain/types';
import { QUEUES } from '../../jobs';
import type { LibraryRow } from '../../store/libraries';
import type { OutboxEffect } from '../../store/outbox';
import type { RequestRow } from '../../store/requests';
import { ncipSkipReason } from '../ncip/settings';

export const JOBS = {
  send: 'iso18626.send',
  supplierAnswer: 'supplier_answer',
  ncip: 'ncip.call',
  /** Patron e-mail (services/notices/notices.ts). */
  notice: 'patron.notice',
  /** The daily due-soon and overdue sweep (a BullMQ job scheduler, no outbox row). */
  noticesSweep: 'notices.sweep',
} as const;

/** The payload of an `iso18626.send` row. */
export interface SendPayload {
  readonly to: string;
  /** Broker hub: the supplier whose message a SAM relays to the requester (headers per mode, iso18626-mapping.ts). */
  readonly supplier?: string;
  readonly message: Extract<Effect, { kind: 'send' }>['message'];
}

export interface SkippedEffect {
  readonly effect: Effect;
  readonly why: string;
}

export function outboxRowsFor(
  request: RequestRow,
  lifecycle: Lifecycle,
  effects: readonly Effect[],
  ctx: { readonly at: Date; readonly library: LibraryRow | undefined },
): { rows: OutboxEffect[]; skipped: SkippedEffect[] } {
  const rows: OutboxEffect[] = [];
  const skipped: SkippedEffect[] = [];
  for (const effect of effects) {
    switch (effect.kind) {
      case 'send': {
        const to = recipientOf(request, lifecycle, effect);
        if (!to) skipped.push({ effect, why: 'no supplier at that rota position' });
        else rows.push({ queue: QUEUES.delivery, jobName: JOBS.send, requestId: request.id, payload: { to, message: effect.message, ...supplierOf(request, effect) } satisfies SendPayload as unknown as Record<string, unknown> });
        break;
      }
      case 'timer':
        rows.push({
          queue: QUEUES.timers,
          jobName: JOBS.supplierAnswer,
          requestId: request.id,
          payload: { rotaIndex: effect.rotaIndex },
          notBefore: new Date(ctx.at.getTime() + effect.afterMs),
        });
        break;
      case 'ncip': {
        const why = ncipSkipReason(ctx.library, effect.call);
        if (why === undefined) rows.push({ queue: QUEUES.ncip, jobName: JOBS.ncip, requestId: request.id, payload: { call: effect.call } });
        else skipped.push({ effect, why });
        break;
      }
      case 'notify':
        // Whether and how the patron is told is settled when the row runs (settings, opt-out,
        // address); the due date is fixed now, so a renewal's reminders are new notices.
        if (request.role !== 'requester') skipped.push({ effect, why: 'patron notices are sent for borrowing requests only' });
        else rows.push({ queue: QUEUES.notify, jobName: JOBS.notice, requestId: request.id, payload: { notice: effect.notice, ...(lifecycle.dueDate ? { dueDate: lifecycle.dueDate } : {}) } });
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
