/**
 * BullMQ queues over one ioredis connection. Jobs carry only the outbox row id; retries use
 * exponential backoff, and the last failure turns the row dead ("needs attention").
 *
 * Producers and consumers want opposite things from a connection (BullMQ's "Going to
 * production" guide): a Queue (the relay, the sweeper, readiness) must fail fast while Redis is
 * away, so that nothing waits on it; a Worker must wait through an outage and carry on by itself.
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
  /** True while commands can be sent; the relay and the sweeper do nothing otherwise. */
  ready(): boolean;
  close(): Promise<void>;
}

/** Longest a producer-side Redis command may take before it fails (relay adds, sweeper checks, readiness). */
export const DEFAULT_COMMAND_TIMEOUT_MS = 5000;

/** BullMQ needs `maxRetriesPerRequest: null` on connections used by workers (blocking commands). */
export function workerConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
}

/**
 * The queues' connection: no offline queue (a command while Redis is away fails at once instead
 * of waiting for a reconnect), one retry, and a time limit on every command. It still reconnects
 * by itself, so work flows again when Redis is back.
 */
export function producerConnection(url: string, commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: commandTimeoutMs, enableReadyCheck: true, lazyConnect: false });
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

export function openQueues(
  redisUrl: string,
  prefix = 'ill',
  jobOptions: JobOptionsFor | DefaultJobOptions = DEFAULT_JOB_OPTIONS,
  commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS,
): QueueSetup {
  const optionsFor: JobOptionsFor = typeof jobOptions === 'function' ? jobOptions : () => jobOptions;
  const connection = producerConnection(redisUrl, commandTimeoutMs);
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
    ready: () => connection.status === 'ready',
    close: async () => {
      await Promise.all(Object.values(queues).map(async (q) => {
        await setUpSettled(q);
        await q.close();
      }));
      connection.disconnect();
    },
  };
}

/**
 * Waits, briefly, for a queue's or worker's connection set-up to finish before it is closed.
 * BullMQ's connection close removes every listener, and a set-up still under way then fails with
 * "Connection is closed" as an 'error' event nobody can hear, which ends the process; a server
 * stopped right after it started (a signal during start-up, a test) would exit 1 instead of 0.
 * With Redis away the set-up never finishes; the deadline keeps the shutdown moving.
 */
export async function setUpSettled(client: { waitUntilReady(): Promise<unknown> }, ms = 2000): Promise<void> {
  await withDeadline(client.waitUntilReady(), ms, 'connection set-up').catch(() => undefined);
}

/**
 * Resolves once the connection is ready; rejects with a readable error after `timeoutMs`. Generous:
 * a start that migrates the embedded database can keep the event loop busy for seconds.
 */
export function connectionReady(connection: Redis, timeoutMs = 30_000): Promise<void> {
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

/** Rejects when `work` has not settled within `ms` (a Redis call that must not hold anything up). */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
