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
