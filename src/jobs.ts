/**
 * The queues work travels on. Producers (services) name a queue when they write an outbox row;
 * consumers (workers/) register handlers per job name on these queues. One closed list.
 */
export const QUEUES = {
  /** ISO 18626 messages to partners and brokers. */
  delivery: 'delivery',
  /** NCIP calls to a member library's ILS. */
  ncip: 'ncip',
  /** Patron e-mail. */
  notify: 'notify',
  /** Time-driven work: rota timeouts, due-soon and overdue sweeps. */
  timers: 'timers',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const QUEUE_NAMES: readonly QueueName[] = Object.values(QUEUES);

export function isQueueName(value: string): value is QueueName {
  return (QUEUE_NAMES as readonly string[]).includes(value);
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
