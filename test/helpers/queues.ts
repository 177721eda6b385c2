import { randomUUID } from 'node:crypto';
import type { RequesterAction } from '../../src/domain/types';
import { JOBS, outboxJob } from '../../src/jobs';
import { openQueues, type QueueSetup } from '../../workers/queues';

/** Some outbox row (a patron notice), for tests of the outbox and the queues rather than of mail. */
export const someJob = (requestId?: string) => outboxJob(JOBS.notice, { notice: 'shipped' }, requestId ? { requestId } : {});

/** A requester's message to a supplier, as the pipeline writes it. */
export const messageJob = (requestId: string, action: RequesterAction, to = 'ISIL:DK-SUPPLIER') => outboxJob(JOBS.send, { to, message: { kind: 'requestingAgencyMessage', action } }, { requestId });

/** A supplier's answer timer, due at `at`. */
export const timerJob = (at: Date) => outboxJob(JOBS.supplierAnswer, { rotaIndex: 0 }, { notBefore: at });

/** Queues on the run's private Redis under a prefix of their own, with quick retries. */
export function testQueues(attempts = 3): QueueSetup {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set: the Jest global setup should have started a Redis');
  return openQueues(url, `test-${randomUUID().slice(0, 8)}`, { attempts, backoff: { type: 'fixed', delay: 50 }, removeOnComplete: { age: 3600 } });
}

export async function eventually<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
