/**
 * The outbox relay: moves committed outbox rows into BullMQ jobs.
 *
 * The job id is the outbox row id, so a row relayed twice (a crash between adding the job and
 * marking the row, or two relays racing) is still one job: BullMQ ignores an add whose id
 * exists. Rows are locked with SKIP LOCKED, so several relays can run side by side.
 */
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { QueueName } from '../src/jobs';
import type { Db } from '../src/store/db';
import { lockPendingRows, markQueued } from '../src/store/outbox';

export interface RelayDeps {
  readonly db: Db;
  readonly queues: Readonly<Record<QueueName, Queue>>;
  readonly now: () => Date;
  readonly log: Logger;
}

const BATCH_SIZE = 100;

/** One pass: relays up to `batchSize` pending rows and returns how many it relayed. */
export async function relayOnce(deps: RelayDeps, batchSize = BATCH_SIZE): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const rows = await lockPendingRows(tx, batchSize);
    for (const row of rows) {
      const queue = deps.queues[row.queue as QueueName];
      if (!queue) throw new Error(`outbox row ${row.id} names unknown queue "${row.queue}"`);
      const delay = row.notBefore ? Math.max(0, row.notBefore.getTime() - deps.now().getTime()) : 0;
      await queue.add(row.jobName, { outboxId: row.id }, { jobId: row.id, ...(delay > 0 ? { delay } : {}) });
    }
    await markQueued(
      tx,
      rows.map((r) => r.id),
      deps.now(),
    );
    return rows.length;
  });
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
          if (relayed > 0) deps.log.debug({ relayed }, 'outbox rows relayed');
          if (relayed === BATCH_SIZE) again = true; // more may be waiting
        } catch (err) {
          // The rows stay pending and the next pass retries them; nothing is lost.
          deps.log.error({ err }, 'outbox relay pass failed');
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
