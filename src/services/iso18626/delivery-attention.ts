/**
 * When a delivery that keeps failing should be seen by staff, and what they are told, in plain
 * words. Retries go on for about a day (DELIVERY_ATTEMPTS, doubling to an hour); a partner that
 * has been unreachable for DELIVERY_ATTENTION_AFTER_MS is worth a look long before they give up.
 * Pure: the caller passes the clock's time and the attempt number.
 */
import { retryDelayMs, type SendPayload } from '../../jobs';

export interface RetryPolicy {
  /** Tries before the delivery gives up (DELIVERY_ATTEMPTS). */
  readonly attempts: number;
  /** First retry delay (DELIVERY_RETRY_MS); it doubles up to an hour. */
  readonly firstRetryMs: number;
  /** A delivery failing this long puts its request in front of staff (DELIVERY_ATTENTION_AFTER_MS). */
  readonly attentionAfterMs: number;
}

/** A failed attempt as staff should read it. */
export interface DeliveryProblem {
  /** In plain words: "connection refused", "it answers HTTP 503". */
  readonly plain: string;
  /** The partner could not be reached at all (as opposed to answering badly). */
  readonly unreachable: boolean;
}

export interface FailingDelivery {
  readonly peer: string;
  readonly message: SendPayload['message'];
  /** Time of the first failed attempt. */
  readonly failingSince: Date;
  /** Tries made so far, this one included. */
  readonly attemptsMade: number;
  readonly problem: DeliveryProblem;
  readonly at: Date;
}

/**
 * The reason to put the request in front of staff, or undefined while it is too early, or when
 * no retry is left (the row then goes dead, which says so itself).
 */
export function attentionReason(delivery: FailingDelivery, policy: RetryPolicy): string | undefined {
  const failingForMs = delivery.at.getTime() - delivery.failingSince.getTime();
  if (failingForMs < policy.attentionAfterMs || delivery.attemptsMade >= policy.attempts) return undefined;
  const what = delivery.problem.unreachable ? 'has not been reachable' : `has not accepted the ${messageName(delivery.message)}`;
  const until = new Date(delivery.at.getTime() + remainingRetryMs(delivery.attemptsMade, policy));
  return `${delivery.peer} ${what} for ${duration(failingForMs)} (${delivery.problem.plain}); delivery is retried until about ${minute(until)}, then it gives up`;
}

/** What the audit trail says once a partner that was failing has taken the message. */
export function recoveryNote(delivery: Omit<FailingDelivery, 'problem'>, stillNeedsAttention: boolean): string {
  const failingFor = duration(delivery.at.getTime() - delivery.failingSince.getTime());
  return (
    `${delivery.peer} took the ${messageName(delivery.message)} at attempt ${delivery.attemptsMade}, after failing for ${failingFor}; ` +
    (stillNeedsAttention ? 'the request still needs attention for other reasons' : 'the request no longer needs attention')
  );
}

/** Sum of the waits before the remaining tries (without the workers' jitter). */
export function remainingRetryMs(attemptsMade: number, policy: Pick<RetryPolicy, 'attempts' | 'firstRetryMs'>): number {
  let total = 0;
  for (let made = attemptsMade; made < policy.attempts; made++) total += retryDelayMs(made, policy.firstRetryMs);
  return total;
}

function messageName(message: SendPayload['message']): string {
  if (message.kind === 'supplyingAgencyMessage') return `${message.status} message`;
  if (message.kind === 'requestingAgencyMessage') return `${message.action} message`;
  return 'request';
}

/** "15 minutes", "2 hours 5 minutes", "40 seconds": rounded down, as staff say it. */
export function duration(ms: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return unit(Math.max(0, Math.floor(ms / 1000)), 'second');
  if (minutes < 60) return unit(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? unit(hours, 'hour') : `${unit(hours, 'hour')} ${unit(minutes % 60, 'minute')}`;
}

/** "2026-05-02 06:10 UTC". */
function minute(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
