/**
 * BullMQ queues over one ioredis connection. Jobs carry only the outbox row id; retries use
 * exponential backoff, and the last failure turns the row dead ("needs attention").
 */
import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_NAMES, retryDelayMs, type QueueName } from '../src/jobs';

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

/** Retry policy of ISO 18626 deliveries: partners can be down for hours, so retries go on for about a day. */
export function deliveryJobOptions(attempts: number, firstRetryMs: number): DefaultJobOptions {
  return { ...DEFAULT_JOB_OPTIONS, attempts, backoff: { type: CAPPED_EXPONENTIAL, delay: firstRetryMs } };
}

export const CAPPED_EXPONENTIAL = 'capped-exponential';

/**
 * Worker-side backoff for CAPPED_EXPONENTIAL jobs: doubles from the first delay up to an hour,
 * with ±25% jitter so that retries after a partner's outage do not all arrive at once.
 */
export function cappedExponentialBackoff(attemptsMade: number, type: string | undefined, delay: number | undefined): number {
  if (type !== CAPPED_EXPONENTIAL) return -1; // not ours: BullMQ treats -1 as "do not retry"
  const base = retryDelayMs(attemptsMade, delay ?? 1000);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

export type JobOptionsFor = (queue: QueueName) => DefaultJobOptions;

export function openQueues(redisUrl: string, prefix = 'ill', jobOptions: JobOptionsFor | DefaultJobOptions = DEFAULT_JOB_OPTIONS): QueueSetup {
  const optionsFor: JobOptionsFor = typeof jobOptions === 'function' ? jobOptions : () => jobOptions;
  const connection = redisConnection(redisUrl);
  // Reconnection errors are reported by readiness; an unhandled 'error' event would crash.
  connection.on('error', () => {});
  const queues = Object.fromEntries(
    QUEUE_NAMES.map((name) => {
      const queue = new Queue(name, { connection: connection as ConnectionOptions, prefix, defaultJobOptions: optionsFor(name) });
      // As for the connection: a lost Redis is reported by readiness and retried by the relay;
      // an 'error' event nobody listens to would take the process down instead.
      queue.on('error', () => {});
      return [name, queue];
    }),
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
