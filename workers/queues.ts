/**
 * BullMQ queues over one ioredis connection. Jobs carry only the outbox row id; retries use
 * exponential backoff, and the last failure turns the row dead ("needs attention").
 */
import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_NAMES, type QueueName } from '../src/jobs';

export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 2000 },
  // Completed jobs are kept a week so that a replayed add with the same id stays a no-op.
  removeOnComplete: { age: 7 * 24 * 3600 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

export interface QueueSetup {
  readonly connection: Redis;
  /** Key prefix in Redis: lets tests (or two installations) share one server without mixing jobs. */
  readonly prefix: string;
  readonly queues: Readonly<Record<QueueName, Queue>>;
  close(): Promise<void>;
}

/** BullMQ needs `maxRetriesPerRequest: null` on connections used by workers (blocking commands). */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
}

export function openQueues(redisUrl: string, prefix = 'ill', jobOptions: DefaultJobOptions = DEFAULT_JOB_OPTIONS): QueueSetup {
  const connection = redisConnection(redisUrl);
  // Reconnection errors are reported by readiness; an unhandled 'error' event would crash.
  connection.on('error', () => {});
  const queues = Object.fromEntries(
    QUEUE_NAMES.map((name) => [name, new Queue(name, { connection: connection as ConnectionOptions, prefix, defaultJobOptions: jobOptions })]),
  ) as Record<QueueName, Queue>;
  return {
    connection,
    prefix,
    queues,
    close: async () => {
      await Promise.all(Object.values(queues).map((q) => q.close()));
      connection.disconnect();
    },
  };
}

/** Resolves once the connection is ready; rejects with a readable error after `timeoutMs`. */
export function connectionReady(connection: Redis, timeoutMs = 10_000): Promise<void> {
  if (connection.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      connection.off('ready', onReady);
      reject(new Error(`Redis did not answer within ${timeoutMs} ms (status: ${connection.status})`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    connection.once('ready', onReady);
  });
}
