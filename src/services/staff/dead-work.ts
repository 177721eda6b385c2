/**
 * What staff do with work that gave up (a dead outbox row: an ILS Problem, a partner's refusal,
 * retries exhausted): try it again once the cause is fixed, or skip it with a note and let the
 * request go on without it. Both are recorded in the request's audit trail.
 *
 * Retry creates a fresh row (new id, same place in the request's order) and settles the dead one:
 * the relay uses the row id as BullMQ job id, and BullMQ keeps a finished job for days and ignores
 * an add with its id, so resetting the old row to pending would never run again.
 */
import type { NcipCall } from '../../domain/types';
import { QUEUES, type NcipCallPayload } from '../../jobs';
import { appendRemark } from '../../store/events';
import { getOutboxRow, refreshAttention, requeueDeadRow, settleDeadRow, type OutboxRow } from '../../store/outbox';
import { getRequest } from '../../store/requests';
import { Conflict, NotFound, ValidationFailed } from '../errors';
import type { LifecycleDeps } from '../pipeline/pipeline';
import { continueWithout } from '../ncip/circulation';

export interface EffectActionResult {
  /** The dead row, now settled. */
  readonly settled: OutboxRow;
  /** Retry: the row that carries the work now. */
  readonly replacement?: OutboxRow;
  /** Whether the request still needs attention (other dead work, or its state needs staff). */
  readonly needsAttention: boolean;
}

async function deadRowOf(deps: LifecycleDeps, requestId: string, outboxId: string): Promise<OutboxRow> {
  const row = await getOutboxRow(deps.db, outboxId);
  if (!row || row.requestId !== requestId) throw new NotFound('outbox row', outboxId);
  if (row.status !== 'dead') throw new Conflict(`outbox row ${outboxId} is ${row.status}; only work that gave up can be retried or skipped`, { status: row.status });
  return row;
}

const describe = (row: OutboxRow): Record<string, unknown> => ({
  outboxId: row.id,
  queue: row.queue,
  job: row.jobName,
  ...(row.queue === QUEUES.ncip ? { call: (row.payload as unknown as NcipCallPayload).call } : {}),
  ...(row.lastError ? { error: row.lastError } : {}),
});

/** Runs the dead work again, as a new outbox row; the request leaves "needs attention" unless other work is dead. */
export async function retryDeadEffect(deps: LifecycleDeps, requestId: string, outboxId: string, actor: string): Promise<EffectActionResult> {
  const row = await deadRowOf(deps, requestId, outboxId);
  const at = deps.now();
  const newId = deps.newId();
  const result = await deps.db.transaction(async (tx) => {
    const replacement = await requeueDeadRow(tx, row.id, newId, `retried by ${actor} as ${newId}`, at);
    if (!replacement) throw new Conflict(`outbox row ${outboxId} is no longer dead`);
    const needsAttention = await refreshAttention(tx, requestId, at);
    const request = await getRequest(tx, requestId);
    await appendRemark(tx, request!, { event: 'staff:retry_effect', actor, data: { ...describe(row), newOutboxId: newId }, at });
    return { settled: { ...row, status: 'done' as const, completedAt: at }, replacement, needsAttention };
  });
  deps.wake?.();
  deps.changes?.changed([requestId]);
  return result;
}

/**
 * Settles the dead work without doing it, with staff's note. An ILS step the loan waits for goes
 * on without the ILS: a skipped LookupUser validates the request, a skipped CheckOutItem sends
 * Loaned with staff's due date.
 */
export async function skipDeadEffect(deps: LifecycleDeps, requestId: string, outboxId: string, note: string, actor: string): Promise<EffectActionResult> {
  const text = typeof note === 'string' ? note.trim() : '';
  if (text === '') throw new ValidationFailed([{ path: 'note', message: 'say why the work is skipped' }]);
  if (text.length > 2000) throw new ValidationFailed([{ path: 'note', message: 'at most 2000 characters' }]);
  const row = await deadRowOf(deps, requestId, outboxId);
  const at = deps.now();
  const settled = await deps.db.transaction(async (tx) => {
    const done = await settleDeadRow(tx, row.id, `skipped by ${actor}: ${text}`, at);
    if (!done) throw new Conflict(`outbox row ${outboxId} is no longer dead`);
    const request = await getRequest(tx, requestId);
    await appendRemark(tx, request!, { event: 'staff:skip_effect', actor, data: { ...describe(row), note: text }, at });
    return done;
  });
  if (row.queue === QUEUES.ncip) {
    const call = (row.payload as unknown as NcipCallPayload).call as NcipCall;
    await continueWithout(deps, requestId, call, actor, `NCIP ${call} skipped by staff: ${text}`);
  }
  const needsAttention = await deps.db.transaction((tx) => refreshAttention(tx, requestId, deps.now()));
  deps.changes?.changed([requestId]);
  return { settled, needsAttention };
}
