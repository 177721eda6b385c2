/**
 * The queues work travels on and the jobs they carry: one closed list. Producers (services)
 * write outbox rows with `outboxJob`, which puts a job on its own queue with its own payload;
 * consumers (workers/handlers.ts) register one handler per job, typed by that job.
 */
import type { Effect, NcipCall, PatronNotice, TimerKind } from './domain/types';

export const QUEUES = {
  /** ISO 18626 messages to partners and brokers. */
  delivery: 'delivery',
  /** NCIP calls to a member library's ILS. */
  ncip: 'ncip',
  /** Patron e-mail. */
  notify: 'notify',
  /** Time-driven work: rota timeouts, due-soon and overdue sweeps, the retention of patron details. */
  timers: 'timers',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const QUEUE_NAMES: readonly QueueName[] = Object.values(QUEUES);

export function isQueueName(value: string): value is QueueName {
  return (QUEUE_NAMES as readonly string[]).includes(value);
}

/** Every job's name. */
export const JOBS = {
  /** An ISO 18626 message to a partner (services/iso18626/delivery.ts). */
  send: 'iso18626.send',
  /** A supplier's time to answer is up (the rota moves on unless it answered). */
  supplierAnswer: 'supplier_answer',
  /** A retry offer's retryBefore has come (the rota moves on unless it was taken up). */
  retryExpiry: 'retry_expiry',
  /** A scheduled retry's retryAfter has come: the Retry goes out. */
  retryDue: 'retry_due',
  /** A call to the member library's ILS (services/ncip/circulation.ts). */
  ncip: 'ncip.call',
  /** Patron e-mail (services/notices/notices.ts). */
  notice: 'patron.notice',
  /** The daily due-soon and overdue sweep (a BullMQ job scheduler, no outbox row). */
  noticesSweep: 'notices.sweep',
  /** The daily erasure of patron details past each library's retention (services/privacy/erasure.ts; a job scheduler). */
  retentionSweep: 'privacy.retention',
} as const;

export type JobName = (typeof JOBS)[keyof typeof JOBS];

/** The queue of each job. */
export const JOB_QUEUES = {
  [JOBS.send]: QUEUES.delivery,
  [JOBS.supplierAnswer]: QUEUES.timers,
  [JOBS.retryExpiry]: QUEUES.timers,
  [JOBS.retryDue]: QUEUES.timers,
  [JOBS.ncip]: QUEUES.ncip,
  [JOBS.notice]: QUEUES.notify,
  [JOBS.noticesSweep]: QUEUES.timers,
  [JOBS.retentionSweep]: QUEUES.timers,
} as const satisfies Record<JobName, QueueName>;

export type QueueOf<J extends JobName> = (typeof JOB_QUEUES)[J];

/** Jobs a scheduler starts: they carry no outbox row and no payload. */
export type ScheduledJobName = typeof JOBS.noticesSweep | typeof JOBS.retentionSweep;

/** Jobs that run an outbox row. */
export type OutboxJobName = Exclude<JobName, ScheduledJobName>;

/** The payload of an `iso18626.send` row. */
export type SendPayload = {
  readonly to: string;
  /** Broker hub: the supplier whose message a SAM relays to the requester (headers per mode, iso18626/mapping.ts). */
  readonly supplier?: string;
  readonly message: Extract<Effect, { kind: 'send' }>['message'];
};

/**
 * The payload of a timer row (`supplier_answer`, `retry_expiry`, `retry_due`): the rota position
 * whose supplier was waited for, and the transaction's id when it was set (absent in rows written
 * before retries renamed transactions).
 */
export type SupplierAnswerPayload = {
  readonly rotaIndex: number;
  readonly requestId?: string;
};

/** The job of each timer kind of the machines. */
export const TIMER_JOBS = { supplier_answer: JOBS.supplierAnswer, retry_expiry: JOBS.retryExpiry, retry_due: JOBS.retryDue } as const satisfies Record<TimerKind, JobName>;

/** The payload of an `ncip.call` row. */
export type NcipCallPayload = {
  readonly call: NcipCall;
};

/** The payload of a `patron.notice` row. */
export type NoticePayload = {
  readonly notice: PatronNotice;
  /** The loan's due date when the notice was decided (reminders and renewals: one mail per date). */
  readonly dueDate?: string;
};

/**
 * What each outbox job's row carries. Object types rather than interfaces, so that a typed row
 * is still a row (an interface is not assignable to the column's Record<string, unknown>).
 */
export interface JobPayloads {
  [JOBS.send]: SendPayload;
  [JOBS.supplierAnswer]: SupplierAnswerPayload;
  [JOBS.retryExpiry]: SupplierAnswerPayload;
  [JOBS.retryDue]: SupplierAnswerPayload;
  [JOBS.ncip]: NcipCallPayload;
  [JOBS.notice]: NoticePayload;
}

// Compile-time: every outbox job has a payload type, and nothing else has one.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type _EveryOutboxJobHasAPayload = Assert<Same<OutboxJobName, keyof JobPayloads>>;

/** An outbox row to write: a job on its own queue, with its own payload. */
export type OutboxJob<J extends OutboxJobName = OutboxJobName> = {
  readonly [K in J]: {
    readonly queue: QueueOf<K>;
    readonly jobName: K;
    readonly payload: JobPayloads[K];
    readonly requestId?: string;
    /** Run no earlier than this (a timer). */
    readonly notBefore?: Date;
  };
}[J];

export function outboxJob<J extends OutboxJobName>(jobName: J, payload: JobPayloads[J], options: { readonly requestId?: string; readonly notBefore?: Date } = {}): OutboxJob<J> {
  return { queue: JOB_QUEUES[jobName], jobName, payload, ...options } as OutboxJob<J>;
}

/** What an outbox row says about its job (store/outbox.ts OutboxRow has these). */
export interface StoredJob {
  readonly id: string;
  readonly queue: string;
  readonly jobName: string;
  readonly payload: unknown;
}

/** An outbox row as read back, known to be a `J` job on its queue: its payload has `J`'s type. */
export type JobRow<J extends OutboxJobName, R extends StoredJob = StoredJob> = J extends OutboxJobName
  ? Omit<R, 'queue' | 'jobName' | 'payload'> & { readonly queue: QueueOf<J>; readonly jobName: J; readonly payload: JobPayloads[J] }
  : never;

export function isOutboxJob(name: string): name is OutboxJobName {
  return Object.hasOwn(JOB_QUEUES, name) && name !== JOBS.noticesSweep;
}

/**
 * The row as the job it names, or undefined when it names no job of this installation, or one
 * that travels on another queue. The payload is trusted: only `outboxJob` writes it.
 */
export function asJobRow<R extends StoredJob>(row: R): JobRow<OutboxJobName, R> | undefined {
  return isOutboxJob(row.jobName) && JOB_QUEUES[row.jobName] === row.queue ? (row as unknown as JobRow<OutboxJobName, R>) : undefined;
}

/** The row as a `job` job; throws when it is not one (a consumer handed a plain row). */
export function requireJob<J extends OutboxJobName, R extends StoredJob>(row: R, job: J): JobRow<J, R> {
  if (row.jobName !== job || JOB_QUEUES[job] !== row.queue) throw new PermanentJobFailure(`outbox row ${row.id} is a ${row.jobName} job on ${row.queue}, not ${job}`);
  return row as unknown as JobRow<J, R>;
}

/**
 * Thrown by a job handler when retrying cannot help (a partner refused the message, an ILS
 * answered with a Problem): the outbox row goes dead at once and its request needs attention.
 */
export class PermanentJobFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobFailure';
  }
}

/** Longest wait between two tries of a job that retries with capped exponential backoff. */
export const MAX_RETRY_DELAY_MS = 3600_000;

/**
 * The wait before the next try after `attemptsMade` failed tries: doubles from the first delay,
 * capped at an hour (the workers add jitter). Shared by the workers and by the messages that tell
 * staff how long retries go on.
 */
export function retryDelayMs(attemptsMade: number, firstDelayMs: number): number {
  return Math.min(firstDelayMs * 2 ** Math.max(0, attemptsMade - 1), MAX_RETRY_DELAY_MS);
}
