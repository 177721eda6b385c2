/**
 * The outbox sweeper: heals queued rows that no job will ever settle. It runs beside the relay.
 *
 * A row queued longer than `staleAfterMs` is looked up in BullMQ by its id (the job id):
 * - no job (Redis lost it: the append-only file's last second, a flushed or replaced Redis, a
 *   relay that died between claiming the row and adding its job): the row goes back to pending
 *   and the relay adds the job again. Because of the per-conversation ordering, a lost job would
 *   otherwise hold up every later message of its request to that partner for good.
 * - a job that failed for good while the row still says queued (its last attempt could not
 *   write to the store, or BullMQ failed a stalled job): the row is settled dead, so staff see it.
 * Jobs waiting, delayed (a timer's day has not come) or running are left alone.
 */
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { QueueName } from '../src/jobs';
import type { RequestChangeFeed } from '../src/services/deps';
import type { Db } from '../src/store/db';
import { listQueuedRows, markDead, releaseToPending } from '../src/store/outbox';
import { DEFAULT_COMMAND_TIMEOUT_MS, withDeadline } from './queues';

export interface SweeperDeps {
  readonly db: Db;
  readonly queues: Readonly<Record<QueueName, Queue>>;
  readonly now: () => Date;
  readonly log: Logger;
  /** A queued row younger than this is not looked at (its job may still be on its way). */
  readonly staleAfterMs: number;
  readonly redisReady?: () => boolean;
  readonly commandTimeoutMs?: number;
  /** Called when rows went back to pending or were settled: the relay has work. */
  readonly onHealed?: () => void;
  /** Told when a row is settled dead: its request now needs attention. */
  readonly changes?: RequestChangeFeed;
}

export interface SweepResult {
  /** Rows whose job was missing, back to pending. */
  readonly released: number;
  /** Rows whose job had failed for good, settled dead. */
  readonly settled: number;
}

const PAGE = 200;

export async function sweepOnce(deps: SweeperDeps): Promise<SweepResult> {
  if (deps.redisReady && !deps.redisReady()) return { released: 0, settled: 0 };
  const cutoff = new Date(deps.now().getTime() - deps.staleAfterMs);
  const timeoutMs = deps.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  let released = 0;
  let settled = 0;
  let afterSeq = 0;
  for (;;) {
    const rows = await listQueuedRows(deps.db, cutoff, afterSeq, PAGE);
    if (rows.length === 0) break;
    afterSeq = rows.at(-1)!.seq;
    const found = await Promise.all(
      rows.map(async (row) => {
        const queue = deps.queues[row.queue as QueueName];
        if (!queue) return { row, state: 'unknown' as const };
        const state = await withDeadline(queue.getJobState(row.id), timeoutMs, `looking up job ${row.id}`);
        const failedReason = state === 'failed' ? (await withDeadline(queue.getJob(row.id), timeoutMs, `reading job ${row.id}`))?.failedReason : undefined;
        return { row, state, failedReason };
      }),
    );
    const missing = found.filter((f) => f.state === 'unknown').map((f) => f.row.id);
    const back = await releaseToPending(deps.db, missing, cutoff);
    if (back.length > 0) deps.log.warn({ outboxIds: back }, 'queued outbox rows had no job in Redis; relaying them again');
    released += back.length;
    for (const f of found.filter((x) => x.state === 'failed')) {
      const reason = f.failedReason ?? 'the job failed';
      if (await markDead(deps.db, f.row.id, reason, deps.now())) {
        settled += 1;
        if (f.row.requestId) deps.changes?.changed([f.row.requestId]);
        deps.log.warn({ outboxId: f.row.id, err: reason }, 'job had failed for good but its outbox row was still queued; settled dead');
      }
    }
    if (rows.length < PAGE) break;
  }
  if (released + settled > 0) deps.onHealed?.();
  return { released, settled };
}

export interface Sweeper {
  stop(): Promise<void>;
}

/** Sweeps every `intervalMs` (the first pass after one interval), never two passes at a time. */
export function startSweeper(deps: SweeperDeps, intervalMs: number): Sweeper {
  let running: Promise<void> | undefined;
  let stopped = false;
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = sweepOnce(deps)
      .then(
        () => undefined,
        // Redis or the database is away: the next pass tries again.
        (err: unknown) => deps.log.error({ err }, 'outbox sweep failed'),
      )
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
