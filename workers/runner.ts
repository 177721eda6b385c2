/**
 * BullMQ workers that execute outbox rows. A job carries only `{ outboxId }`; the handler for
 * the row's job name does the work, and the row records the outcome. Processing is idempotent:
 * a row already done is skipped, so a job delivered twice acts once.
 */
import { UnrecoverableError, Worker, type Job, type MinimalJob } from 'bullmq';
import type { Logger } from 'pino';
import { PermanentJobFailure, QUEUE_NAMES, type QueueName } from '../src/jobs';
import type { Db } from '../src/store/db';
import { getOutboxRow, markDead, markDone, recordFailedAttempt, type OutboxRow } from '../src/store/outbox';
import { cappedExponentialBackoff, redisConnection } from './queues';

export interface JobContext {
  readonly row: OutboxRow;
  /** 1 for the first try. */
  readonly attempt: number;
  readonly log: Logger;
}

export type JobHandler = (ctx: JobContext) => Promise<void>;
export type JobHandlers = Partial<Record<QueueName, Readonly<Record<string, JobHandler>>>>;

/**
 * Work that a BullMQ job scheduler starts (a daily sweep) rather than an outbox row: its job
 * carries no row id. It must be idempotent itself; a failure is retried and then only logged.
 */
export type ScheduledHandler = (ctx: { readonly at: Date; readonly log: Logger }) => Promise<void>;
export type ScheduledHandlers = Partial<Record<QueueName, Readonly<Record<string, ScheduledHandler>>>>;

export interface WorkerDeps {
  readonly db: Db;
  readonly redisUrl: string;
  readonly prefix: string;
  readonly handlers: JobHandlers;
  readonly scheduled?: ScheduledHandlers;
  readonly concurrency: number;
  readonly now: () => Date;
  readonly log: Logger;
  /** Called when a row is settled (done or dead): the next message of its request may go. */
  readonly onSettled?: (row: { id: string; queue: QueueName }) => void;
}

export interface WorkerPool {
  /**
   * Stops taking jobs and waits for the running ones to finish; `force` does not wait (a job cut
   * short keeps its outbox row queued and BullMQ gives it to a worker again after a restart).
   */
  close(force?: boolean): Promise<void>;
}

export function startWorkers(deps: WorkerDeps): WorkerPool {
  const connections = QUEUE_NAMES.map(() => redisConnection(deps.redisUrl));
  const workers = QUEUE_NAMES.map((queue, i) => {
    const worker = new Worker<{ outboxId?: string }>(queue, (job) => processJob(deps, queue, job), {
      connection: connections[i]!,
      prefix: deps.prefix,
      concurrency: deps.concurrency,
      settings: {
        backoffStrategy: (attemptsMade: number, type?: string, _err?: Error, job?: MinimalJob) =>
          cappedExponentialBackoff(attemptsMade, type, (job?.opts.backoff as { delay?: number } | undefined)?.delay),
      },
    });
    worker.on('failed', (job, err) => {
      if (job) void onFailed(deps, job, err);
    });
    worker.on('error', (err) => deps.log.error({ err, queue }, 'worker error'));
    return worker;
  });
  return {
    close: async (force = false) => {
      await Promise.all(workers.map((w) => w.close(force)));
      // BullMQ leaves connections it was given open; they are ours to close.
      for (const c of connections) c.disconnect();
    },
  };
}

async function processJob(deps: WorkerDeps, queue: QueueName, job: Job<{ outboxId?: string }>): Promise<void> {
  const id = job.data.outboxId;
  if (id === undefined) return runScheduled(deps, queue, job);
  const log = deps.log.child({ queue, job: job.name, outboxId: id });
  const row = await getOutboxRow(deps.db, id);
  if (!row) throw new UnrecoverableError(`outbox row ${id} does not exist`);
  if (row.status === 'done' || row.status === 'dead') {
    log.debug({ status: row.status }, 'outbox row already settled; job replay ignored');
    return;
  }
  const handler = deps.handlers[queue]?.[row.jobName];
  if (!handler) throw new UnrecoverableError(`no handler for job "${row.jobName}" on queue "${queue}"`);
  try {
    await handler({ row, attempt: job.attemptsMade + 1, log });
  } catch (err) {
    if (err instanceof PermanentJobFailure) throw new UnrecoverableError(err.message);
    throw err;
  }
  await markDone(deps.db, id, deps.now());
  deps.onSettled?.({ id, queue });
  log.info('job done');
}

async function runScheduled(deps: WorkerDeps, queue: QueueName, job: Job<{ outboxId?: string }>): Promise<void> {
  const handler = deps.scheduled?.[queue]?.[job.name];
  if (!handler) throw new UnrecoverableError(`no scheduled handler for job "${job.name}" on queue "${queue}"`);
  const log = deps.log.child({ queue, job: job.name, jobId: job.id });
  await handler({ at: deps.now(), log });
  log.info('scheduled job done');
}

async function onFailed(deps: WorkerDeps, job: Job<{ outboxId?: string }>, err: Error): Promise<void> {
  const id = job.data.outboxId;
  if (id === undefined) {
    deps.log.error({ job: job.name, jobId: job.id, attempt: job.attemptsMade, err: err.message }, 'scheduled job failed');
    return;
  }
  const final = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
  try {
    if (final) {
      await markDead(deps.db, id, err.message, deps.now());
      deps.onSettled?.({ id, queue: job.queueName as QueueName });
      deps.log.warn({ outboxId: id, job: job.name, err: err.message }, 'job gave up; request needs attention');
    } else {
      await recordFailedAttempt(deps.db, id, err.message);
      deps.log.info({ outboxId: id, job: job.name, attempt: job.attemptsMade, err: err.message }, 'job failed; will retry');
    }
  } catch (storeErr) {
    deps.log.error({ err: storeErr, outboxId: id }, 'could not record job failure');
  }
}
