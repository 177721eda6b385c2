/**
 * The outbox relay: moves committed outbox rows into BullMQ jobs.
 *
 * A pass claims rows in one short transaction (they are queued when it commits), then adds
 * their jobs outside any transaction, each with a time limit: a Redis that is away holds up no
 * HTTP request and no database connection. Rows whose job could not be added go back to pending
 * for the next pass; a relay that dies between the claim and the adds leaves queued rows without
 * a job, which the outbox sweeper puts back. The job id is the outbox row id, so a row relayed
 * twice is still one job: BullMQ ignores an add whose id exists. Rows are locked with SKIP
 * LOCKED, so several relays can run side by side.
 */
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { QueueName } from '../src/jobs';
import type { Db } from '../src/store/db';
import { claimPendingRows, releaseToPending, type ClaimedRow } from '../src/store/outbox';
import { asDatabaseUnavailable } from '../src/store/unavailable';
import { DEFAULT_COMMAND_TIMEOUT_MS, withDeadline } from './queues';

export interface RelayDeps {
  readonly db: Db;
  readonly queues: Readonly<Record<QueueName, Queue>>;
  readonly now: () => Date;
  readonly log: Logger;
  /** Whether Redis can take commands now; while it cannot, a pass claims nothing. */
  readonly redisReady?: () => boolean;
  /** Longest one job add may take before its row goes back to pending. */
  readonly addTimeoutMs?: number;
}

const BATCH_SIZE = 100;

/** One pass: relays up to `batchSize` pending rows and returns how many jobs it added. */
export async function relayOnce(deps: RelayDeps, batchSize = BATCH_SIZE): Promise<number> {
  if (deps.redisReady && !deps.redisReady()) return 0;
  const rows = await claimPendingRows(deps.db, batchSize, deps.now());
  if (rows.length === 0) return 0;
  // One row per conversation is claimed at a time (lockPendingRows), so the adds may run together.
  const outcomes = await Promise.allSettled(rows.map((row) => withDeadline(addJob(deps, row), deps.addTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS, `adding job ${row.id}`)));
  const failed = rows.filter((_, i) => outcomes[i]!.status === 'rejected');
  if (failed.length > 0) {
    const reason = (outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason as unknown;
    // If this write fails too, the rows stay queued without a job until the sweeper frees them.
    await releaseToPending(
      deps.db,
      failed.map((r) => r.id),
    );
    deps.log.warn({ failed: failed.length, relayed: rows.length - failed.length, err: reason instanceof Error ? reason.message : String(reason) }, 'outbox rows not relayed; they stay pending');
  }
  return rows.length - failed.length;
}

async function addJob(deps: RelayDeps, row: ClaimedRow): Promise<void> {
  const queue = deps.queues[row.queue as QueueName];
  if (!queue) throw new Error(`outbox row ${row.id} names unknown queue "${row.queue}"`);
  const delay = row.notBefore ? Math.max(0, row.notBefore.getTime() - deps.now().getTime()) : 0;
  await queue.add(row.jobName, { outboxId: row.id }, { jobId: row.id, ...(delay > 0 ? { delay } : {}) });
}

export interface Relay {
  /** Ask for a pass soon (called after a transaction that wrote outbox rows commits). */
  wake(): void;
  stop(): Promise<void>;
}

/** Runs relay passes every `intervalMs`, and at once when woken; never two passes at a time. */
export function startRelay(deps: RelayDeps, intervalMs: number): Relay {
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  // A database outage fails every pass (twice a second): said once when it starts and once when
  // it ends, without the statement and its parameters; any other failure is logged in full.
  let unavailableSince: number | undefined;

  const pass = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          const relayed = await relayOnce(deps);
          if (unavailableSince !== undefined) {
            deps.log.info({ afterMs: Date.now() - unavailableSince }, 'outbox relay reaches the database again');
            unavailableSince = undefined;
          }
          if (relayed > 0) deps.log.debug({ relayed }, 'outbox rows relayed');
          if (relayed === BATCH_SIZE) again = true; // more may be waiting
        } catch (err) {
          // The rows stay pending (or queued without a job, for the sweeper); nothing is lost.
          const unavailable = asDatabaseUnavailable(err);
          if (!unavailable) deps.log.error({ err }, 'outbox relay pass failed');
          else if (unavailableSince === undefined) {
            unavailableSince = Date.now();
            deps.log.warn({ reason: unavailable.message }, 'outbox relay waits for the database');
          }
        }
      } while (again && !stopped);
    })().finally(() => {
      running = undefined;
    });
  };

  const timer = setInterval(pass, intervalMs);
  timer.unref();
  pass();
  return {
    wake: pass,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
