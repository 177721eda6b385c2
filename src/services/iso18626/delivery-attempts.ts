/**
 * One attempt to deliver an outbox row, recorded with what it means for staff, in one
 * transaction: the message is kept once and counted (store/messages.ts), a failure that has gone
 * on too long puts the request in front of staff while the retries go on, and the partner's
 * answer after such a failure takes it out again unless something else needs attention.
 */
import { appendRemark } from '../../store/events';
import { recordDeliveryAttempt } from '../../store/messages';
import { raiseAttention, settleAttention, type OutboxRow } from '../../store/outbox';
import { attentionReason, recoveryNote, type DeliveryProblem } from './delivery-attention';
import type { SendPayload } from '../../jobs';
import type { DeliveryDeps } from './delivery';

export type AttemptOutcome =
  | { readonly status: 'failed'; readonly error: string; readonly problem: DeliveryProblem; readonly responseXml?: string; readonly httpStatus?: number }
  | { readonly status: 'confirmed' | 'refused'; readonly responseXml: string; readonly httpStatus: number; readonly error?: string; readonly parsed?: unknown };

export interface AttemptContext {
  readonly row: OutboxRow;
  readonly payload: SendPayload;
  readonly requestId: string;
  readonly messageType: string;
  readonly xml: string;
  /** The queue's try number, when known; otherwise the message's own count of attempts. */
  readonly attempt?: number;
}

const ACTOR = 'system:delivery';

export async function recordAttempt(deps: DeliveryDeps, ctx: AttemptContext, outcome: AttemptOutcome): Promise<void> {
  const at = deps.now();
  await deps.db.transaction(async (tx) => {
    const { message, attentionRaised } = await recordDeliveryAttempt(tx, {
      outboxId: ctx.row.id,
      message: { protocol: 'iso18626', peer: ctx.payload.to, messageType: ctx.messageType, requestId: ctx.requestId, rawXml: ctx.xml },
      outcome: { ...outcome, parsed: 'parsed' in outcome ? outcome.parsed : null },
      at,
      newId: deps.newId,
    });
    const delivery = { peer: ctx.payload.to, message: ctx.payload.message, failingSince: message.createdAt, attemptsMade: ctx.attempt ?? message.attempts, at };
    if (outcome.status === 'failed') {
      const reason = deps.retries ? attentionReason({ ...delivery, problem: outcome.problem }, deps.retries) : undefined;
      if (reason) await raiseAttention(tx, ctx.row.id, { reason, actor: ACTOR, data: { partner: ctx.payload.to } }, at);
      return;
    }
    // The partner answered: whatever it said, it is reachable again.
    if (!attentionRaised) return;
    const settled = await settleAttention(tx, ctx.row.id, at);
    if (!settled) return;
    const cleared = settled.before && !settled.after;
    await appendRemark(tx, settled.request, {
      event: cleared ? 'attention_cleared' : 'delivery_recovered',
      actor: ACTOR,
      data: { reason: recoveryNote(delivery, settled.after), partner: ctx.payload.to, outboxId: ctx.row.id, attempts: message.attempts },
      at,
    });
  });
  // The timeline shows the message and its attempts; attention may have been raised or cleared.
  deps.changes?.changed([ctx.requestId]);
}
