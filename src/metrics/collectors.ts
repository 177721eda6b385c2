/**
 * Gauges read at each scrape, from the store and from Redis: what is, rather than what happened.
 * While Redis is away the queue depths are left out, so /metrics keeps answering through a Redis
 * outage (and shows the outbox growing); a database that cannot be read fails the scrape, which
 * Prometheus reports as the target being down.
 */
import { collectDefaultMetrics, Counter, Gauge, type Registry } from 'prom-client';
import type { Queue } from 'bullmq';
import { QUEUE_NAMES, type QueueName } from '../jobs';
import type { Db } from '../store/db';
import type { DirectoryCache } from '../store/directory-cache';
import { countByStatus, oldestRowAges } from '../store/outbox';
import { countRequestsByState } from '../store/request-counts';
import { OTHER } from './labels';

export interface ScrapeSources {
  readonly db: Db;
  readonly directory: DirectoryCache;
  readonly now: () => Date;
  readonly queues: {
    readonly queues: Readonly<Record<QueueName, Pick<Queue, 'getJobCounts'>>>;
    /** False while Redis is away: the queue depths are left out instead of waiting on it. */
    ready(): boolean;
  };
  /** Longest the queue depths may take (the Redis command timeout). */
  readonly redisTimeoutMs: number;
}

/** BullMQ's job states that say how much work waits or runs. */
export const QUEUE_JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;

/** The library label of requests that belong to no member library (a broker's relay rows). */
export const NO_LIBRARY = 'none';

export function registerScrapeMetrics(registry: Registry, sources: ScrapeSources): void {
  const registers = [registry];
  const { db, directory } = sources;
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'ill_requests',
    help: 'Requests in each state, by member library (symbol) and role',
    labelNames: ['library', 'role', 'state'],
    registers,
    async collect() {
      const counts = await countRequestsByState(db);
      this.reset();
      for (const c of counts) {
        const library = c.libraryId ? ((await directory.libraryById(c.libraryId))?.symbol ?? OTHER) : NO_LIBRARY;
        this.inc({ library, role: c.role, state: c.state }, c.n);
      }
    },
  });
  new Gauge({
    name: 'ill_outbox_rows',
    help: 'Outbox rows by status (dead rows need staff attention)',
    labelNames: ['status'],
    registers,
    async collect() {
      const counts = await countByStatus(db);
      for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
    },
  });
  new Gauge({
    name: 'ill_outbox_oldest_age_seconds',
    help: 'Seconds since the oldest pending outbox row was committed and since the oldest queued one became due; 0 when none. Pending grows while Redis is away (or behind a partner being retried), queued while the workers cannot keep up',
    labelNames: ['status'],
    registers,
    async collect() {
      const ages = await oldestRowAges(db, sources.now());
      for (const [status, seconds] of Object.entries(ages)) this.set({ status }, seconds);
    },
  });
  new Gauge({
    name: 'ill_queue_jobs',
    help: 'Jobs in each BullMQ queue by state (left out while Redis is away)',
    labelNames: ['queue', 'state'],
    registers,
    async collect() {
      this.reset();
      if (!sources.queues.ready()) return;
      const depths = await withTimeout(
        Promise.all(QUEUE_NAMES.map(async (queue) => [queue, await sources.queues.queues[queue].getJobCounts(...QUEUE_JOB_STATES)] as const)),
        sources.redisTimeoutMs,
      );
      for (const [queue, counts] of depths ?? []) for (const state of QUEUE_JOB_STATES) this.set({ queue, state }, counts[state] ?? 0);
    },
  });
  new Counter({
    name: 'ill_directory_cache_reads_total',
    help: 'Reads of partners and libraries: hit (from memory), miss (a table loaded after a change), bypass (changes were not being heard, so the database was read)',
    labelNames: ['outcome'],
    registers,
    collect() {
      // The cache keeps its own totals; the counter mirrors them at each scrape.
      const { hits, misses, bypasses } = directory.stats();
      this.reset();
      this.inc({ outcome: 'hit' }, hits);
      this.inc({ outcome: 'miss' }, misses);
      this.inc({ outcome: 'bypass' }, bypasses);
    },
  });
  new Gauge({
    name: 'ill_directory_cache_live',
    help: '1 while this process hears directory changes and may answer from memory; 0 while it reads the database instead',
    registers,
    collect() {
      this.set(directory.live() ? 1 : 0);
    },
  });
}

/** The work's result, or undefined once `ms` passed (the work goes on and is ignored). */
async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
