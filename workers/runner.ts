/**
 * BullMQ workers that execute outbox rows. A job carries only `{ outboxId }`; the handler for
 * the row's job name does the work, and the row records the outcome. Processing is idempotent:
 * a row already done is skipped, so a job delivered twice acts once.
 *
 * Every outcome is written to the row inside the job's processing, never in an event listener:
 * when the store cannot take it (the database is away), the job fails and BullMQ retries it, so
 * the outcome is not lost with a log line. A job that fails for good without its row being told
 * (last attempt, stalled, store still away) is settled by the outbox sweeper.
 */
import { UnrecoverableError, Worker, type Job, type MinimalJob } from 'bullmq';
import type { Logger } from 'pino';
import { asJobRow, JOB_QUEUES, PermanentJobFailure, QUEUE_NAMES, type JobRow, type OutboxJobName, type QueueName, type ScheduledJobName } from '../src/jobs';
import type { Metrics } from '../src/metrics/metrics';
import type { RequestChangeFeed } from '../src/services/deps';
import type { Db } from '../src/store/db';
import { getOutboxRow, markDead, markDone, recordFailedAttempt, type OutboxRow } from '../src/store/outbox';
import { cappedExponentialBackoff, setUpSettled, workerConnection } from './queues';

export interface JobContext<J extends OutboxJobName = OutboxJobName> {
  /** The row, with the payload of its job. */
  readonly row: JobRow<J, OutboxRow>;
  /** 1 for the first try. */
  readonly attempt: number;
  readonly log: Logger;
}

export type JobHandler<J extends OutboxJobName = OutboxJobName> = (ctx: JobContext<J>) => Promise<void>;
/** One handler per job, typed by it; the job's queue is fixed by src/jobs.ts. */
export type JobHandlers = { readonly [J in OutboxJobName]?: JobHandler<J> };

/**
 * Work that a BullMQ job scheduler starts (a daily sweep) rather than an outbox row: its job
 * carries no row id. It must be idempotent itself; a failure is retried and then only logged.
 */
export type ScheduledHandler = (ctx: { readonly at: Date; readonly log: Logger }) => Promise<void>;
export type ScheduledHandlers = { readonly [J in ScheduledJobName]?: ScheduledHandler };

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
  /** Told when a row gives up: its request now needs attention. */
  readonly changes?: RequestChangeFeed;
  /** Told how long each job ran (ill_job_duration_seconds). */
  readonly metrics?: Metrics;
}

export interface WorkerPool {
  /**
   * Stops taking jobs and waits for the running ones to finish; `force` does not wait (a job cut
   * short keeps its outbox row queued and BullMQ gives it to a worker again after a restart).
   */
  close(force?: boolean): Promise<void>;
}

export function startWorkers(deps: WorkerDeps): WorkerPool {
  const connections = QUEUE_NAMES.map(() => workerConnection(deps.redisUrl));
  const workers = QUEUE_NAMES.map((queue, i) => {
    const worker = new Worker<{ outboxId?: string }>(queue, (job) => timed(deps, job, () => processJob(deps, queue, job)), {
      connection: connections[i]!,
      prefix: deps.prefix,
      concurrency: deps.concurrency,
      settings: {
        backoffStrategy: (attemptsMade: number, type?: string, _err?: Error, job?: MinimalJob) =>
          cappedExponentialBackoff(attemptsMade, type, (job?.opts.backoff as { delay?: number } | undefined)?.delay),
      },
    });
    worker.on('failed', (job, err) => {
      if (job) logFailure(deps.log, job, err);
    });
    worker.on('error', (err) => deps.log.error({ err, queue }, 'worker error'));
    return worker;
  });
  return {
    close: async (force = false) => {
      await Promise.all(workers.map(async (w) => {
        await setUpSettled(w);
        await w.close(force);
      }));
      // BullMQ leaves connections it was given open; they are ours to close.
      for (const c of connections) c.disconnect();
    },
  };
}

/** Runs a job and tells how long it took, done or failed (a failure is rethrown as it was). */
async function timed(deps: WorkerDeps, job: Job, run: () => Promise<void>): Promise<void> {
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  try {
    await run();
    deps.metrics?.job(job.name, 'done', seconds());
  } catch (err) {
    deps.metrics?.job(job.name, 'failed', seconds());
    throw err;
  }
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
  const jobRow = asJobRow(row);
  // The handler's own job: asJobRow checked that the row is one, on its queue.
  const handler = jobRow?.queue === queue ? (deps.handlers[jobRow.jobName] as JobHandler | undefined) : undefined;
  try {
    if (!jobRow || !handler) throw new PermanentJobFailure(`no handler for job "${row.jobName}" on queue "${queue}"`);
    await handler({ row: jobRow, attempt: job.attemptsMade + 1, log });
  } catch (err) {
    await recordFailure(deps, job, queue, err, row.requestId);
  }
  await markDone(deps.db, id, deps.now());
  deps.onSettled?.({ id, queue });
  log.info('job done');
}

/**
 * Writes a failed attempt to the row and fails the job. The last attempt and a definite refusal
 * mark the row dead first; if that write fails, the store error fails the job instead, so that
 * BullMQ tries again (a refusal) or the sweeper settles the row (the last attempt).
 */
async function recordFailure(deps: WorkerDeps, job: Job<{ outboxId?: string }>, queue: QueueName, err: unknown, requestId: string | null): Promise<never> {
  const id = job.data.outboxId!;
  const message = err instanceof Error ? err.message : String(err);
  const refused = err instanceof PermanentJobFailure || err instanceof UnrecoverableError;
  if (refused || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
    try {
      await markDead(deps.db, id, message, deps.now());
    } catch (storeErr) {
      // A plain error: BullMQ tries again if it may; the job keeps the reason the work failed.
      deps.log.error({ err: storeErr, outboxId: id }, 'could not mark the outbox row dead; the job fails instead');
      throw new Error(message, { cause: storeErr });
    }
    deps.onSettled?.({ id, queue });
    if (requestId) deps.changes?.changed([requestId]);
    deps.log.warn({ queue, outboxId: id, job: job.name, err: message }, 'job gave up; request needs attention');
    throw new UnrecoverableError(message);
  }
  try {
    await recordFailedAttempt(deps.db, id, message);
  } catch (storeErr) {
    // Only the attempt count is lost; BullMQ retries either way, with the error that matters.
    deps.log.error({ err: storeErr, outboxId: id }, 'could not record a failed attempt');
  }
  throw err;
}

async function runScheduled(deps: WorkerDeps, queue: QueueName, job: Job<{ outboxId?: string }>): Promise<void> {
  const name = job.name as ScheduledJobName;
  const handler = Object.hasOwn(JOB_QUEUES, name) && JOB_QUEUES[name] === queue ? deps.scheduled?.[name] : undefined;
  if (!handler) throw new UnrecoverableError(`no scheduled handler for job "${job.name}" on queue "${queue}"`);
  const log = deps.log.child({ queue, job: job.name, jobId: job.id });
  await handler({ at: deps.now(), log });
  log.info('scheduled job done');
}

/** The row already says what happened (processJob wrote it); this is the log line. */
function logFailure(log: Logger, job: Job<{ outboxId?: string }>, err: Error): void {
  const id = job.data.outboxId;
  const final = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
  const fields = { queue: job.queueName, job: job.name, jobId: job.id, ...(id ? { outboxId: id } : {}), attempt: job.attemptsMade, err: err.message };
  if (id === undefined) log.error(fields, 'scheduled job failed');
  else if (final) log.warn(fields, 'job failed for good');
  else log.info(fields, 'job failed; will retry');
}
