import { randomUUID } from 'node:crypto';
import { openQueues, type QueueSetup } from '../../workers/queues';

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
