/**
 * Recurring work, as BullMQ job schedulers (one per name however many processes start: an
 * upsert replaces the schedule, so a changed hour takes effect at the next start). The work
 * itself lives in services/ and is registered in handlers.ts as a scheduled handler.
 */
import type { Queue } from 'bullmq';
import { JOBS } from '../src/jobs';

/** Daily at `hour`:00, server local time (the TZ of the process). */
export function noticesSweepPattern(hour: number): string {
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new RangeError(`hour must be 0-23, not ${hour}`);
  return `0 ${hour} * * *`;
}

export async function scheduleNoticesSweep(timers: Queue, hour: number): Promise<void> {
  await timers.upsertJobScheduler(JOBS.noticesSweep, { pattern: noticesSweepPattern(hour) }, {
    name: JOBS.noticesSweep,
    data: {},
    opts: { attempts: 5, backoff: { type: 'exponential', delay: 60_000 } },
  });
}

/** Runs the sweep now, besides the daily run (operators, tests). Returns the job id. */
export async function requestNoticesSweep(timers: Queue, at: Date): Promise<string> {
  const job = await timers.add(JOBS.noticesSweep, {}, { jobId: `notices-sweep-manual-${at.getTime()}`, attempts: 3 });
  return job.id!;
}

/**
 * The retention job: daily at 02:30 server local time, a quiet hour apart from the notices sweep.
 * It erases what was due since the last run, so a missed day is made up by the next.
 */
export const RETENTION_SWEEP_PATTERN = '30 2 * * *';

export async function scheduleRetentionSweep(timers: Queue): Promise<void> {
  await timers.upsertJobScheduler(JOBS.retentionSweep, { pattern: RETENTION_SWEEP_PATTERN }, {
    name: JOBS.retentionSweep,
    data: {},
    opts: { attempts: 5, backoff: { type: 'exponential', delay: 60_000 } },
  });
}
