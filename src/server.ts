/**
 * Wires config -> store -> queues -> http -> workers, and takes them down again in order.
 * `startService` is what main.ts runs; tests run it too, with their own data folder and port.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config/load';
import { connectionReady, DEFAULT_JOB_OPTIONS, deliveryJobOptions, openQueues, type QueueSetup } from '../workers/queues';
import { startRelay, type Relay } from '../workers/relay';
import { startSweeper } from '../workers/sweeper';
import { startWorkers, type JobHandlers, type WorkerPool } from '../workers/runner';
import { jobHandlers, scheduledHandlers } from '../workers/handlers';
import { scheduleNoticesSweep, scheduleRetentionSweep } from '../workers/schedules';
import { createApp } from './http/app';
import { issueSetupCode } from './services/access/setup';
import type { ServiceDeps } from './services/deps';
import { apiRouter } from './http/api';
import { iso18626Router } from './http/iso18626';
import { ncipRouter } from './http/ncip';
import { webRouter } from './http/web';
import { QUEUES } from './jobs';
import type { DeliveryDeps } from './services/iso18626/delivery';
import { requestChangeHub, type RequestChangeHub } from './live/hub';
import { changePublisher } from './live/publisher';
import { requestChangesChannel } from './live/request-changes';
import { createMailSender } from './notify/mailer';
import { openRuntime, type Runtime } from './runtime';
import { readCatalogueFile } from './services/catalogue/catalogue-file';
import { loadDirectory, readDirectoryFile } from './services/directory/directory-file';
import { reportLibrarySettings } from './services/directory/library-settings';
import { registerScrapeMetrics } from './metrics/collectors';
import { createMetrics } from './metrics/metrics';

export type ServiceRole = 'server' | 'workers';

export interface StartOptions {
  readonly role: ServiceRole;
  readonly log: Logger;
  /** Replace the job handlers (tests). */
  readonly handlers?: JobHandlers;
  /** Redis key prefix for the queues (tests isolate themselves with their own). */
  readonly queuePrefix?: string;
  readonly now?: () => Date;
  readonly newId?: () => string;
}

export interface RunningService {
  /** Base URL the HTTP server listens on (server role only). */
  readonly url?: string;
  /** The use cases' dependencies, as the HTTP layer and the workers get them. */
  readonly lifecycle: DeliveryDeps;
  readonly runtime: Runtime;
  readonly queues: QueueSetup;
  readonly relay: Relay;
  /** Graceful: stop taking HTTP requests, let running jobs finish, close Redis and the database. */
  stop(): Promise<void>;
}

export async function startService(config: Config, options: StartOptions): Promise<RunningService> {
  const { log, role } = options;
  const now = options.now ?? (() => new Date());
  const newId = options.newId ?? randomUUID;
  // A catalogue file that does not validate stops the start, before anything is opened.
  const catalogue = config.catalogueFile ? readCatalogueFile(config.catalogueFile) : undefined;
  const runtime = await openRuntime(config, log);
  if (config.directoryFile) {
    try {
      const file = readDirectoryFile(config.directoryFile);
      const loaded = await runtime.database.directory.write((db) => loadDirectory(db, file, now()));
      log.info({ file: config.directoryFile, ...loaded }, 'directory loaded');
    } catch (err) {
      await runtime.close();
      throw err;
    }
  }
  await reportLibrarySettings(runtime.database.directory, log);
  const queues = openQueues(
    runtime.redisUrl,
    options.queuePrefix ?? 'ill',
    (queue) =>
      // Patron mail and ILS calls (NCIP) retry like deliveries: an SMTP server or an ILS can be down for hours too.
      queue === QUEUES.delivery || queue === QUEUES.notify || queue === QUEUES.ncip ? deliveryJobOptions(config.deliveryAttempts, config.deliveryRetryMs) : DEFAULT_JOB_OPTIONS,
    config.redisCommandTimeoutMs,
  );
  try {
    await connectionReady(queues.connection);
    await scheduleNoticesSweep(queues.queues.timers, config.noticesSweepHour);
    await scheduleRetentionSweep(queues.queues.timers);
  } catch (err) {
    await queues.close();
    await runtime.close();
    throw err;
  }
  // Every committed change of a request is announced on Redis, whichever process made it (servers and workers).
  const changesChannel = requestChangesChannel(queues.prefix);
  const changes = changePublisher({ db: runtime.database.db, directory: runtime.database.directory, publish: (m) => queues.connection.publish(changesChannel, m), log });
  const outboxDeps = { db: runtime.database.db, queues: queues.queues, now, log, redisReady: queues.ready, changes };
  const relay = startRelay({ ...outboxDeps, addTimeoutMs: config.redisCommandTimeoutMs }, config.relayIntervalMs);
  const sweeper = startSweeper(
    { ...outboxDeps, staleAfterMs: config.outboxStaleAfterMs, commandTimeoutMs: config.redisCommandTimeoutMs, onHealed: () => relay.wake() },
    config.outboxSweepIntervalMs,
  );
  // Counted in this process: a separate worker process counts its deliveries and jobs for itself.
  const metrics = createMetrics();
  const lifecycle: DeliveryDeps = {
    db: runtime.database.db,
    directory: runtime.database.directory,
    now,
    newId,
    supplierTimeoutMs: config.supplierAnswerTimeoutMs,
    routing: { strategy: config.routingStrategy, loadWindowDays: config.loadWindowDays, ...(catalogue ? { catalogue } : {}) },
    timeoutMs: config.deliveryTimeoutMs,
    retries: { attempts: config.deliveryAttempts, firstRetryMs: config.deliveryRetryMs, attentionAfterMs: config.deliveryAttentionAfterMs },
    wake: () => relay.wake(),
    changes,
    metrics: metrics.record,
  };
  const runWorkers = role === 'workers' || config.workers === 'inprocess';
  const mail = createMailSender({ ...(config.smtpUrl ? { smtpUrl: config.smtpUrl } : {}), dataDir: config.dataDir });
  const handlerDeps = { ...lifecycle, mail, mailFrom: config.mailFrom, dueSoonDays: config.dueSoonDays, ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}) };
  const workers: WorkerPool | undefined = runWorkers
    ? startWorkers({
        db: runtime.database.db,
        redisUrl: runtime.redisUrl,
        prefix: queues.prefix,
        handlers: options.handlers ?? jobHandlers(handlerDeps),
        scheduled: scheduledHandlers(handlerDeps),
        onSettled: () => relay.wake(),
        changes,
        concurrency: config.workerConcurrency,
        now,
        log,
        metrics: metrics.record,
      })
    : undefined;
  if (runWorkers) log.info({ concurrency: config.workerConcurrency, inProcess: role === 'server' }, 'queue workers started');
  if (runWorkers) {
    log.info(
      { mail: mail.kind, target: mail.target, dueSoonDays: config.dueSoonDays, sweepHour: config.noticesSweepHour },
      mail.kind === 'smtp' ? `patron mail is sent through ${mail.target}` : `patron mail is written as .eml files under ${mail.target} (set SMTP_URL to send it)`,
    );
  }

  let server: Server | undefined;
  let url: string | undefined;
  let live: RequestChangeHub | undefined;
  if (role === 'server') {
    live = requestChangeHub({ redisUrl: runtime.redisUrl, channel: changesChannel, log });
    if (config.metrics === 'on') registerScrapeMetrics(metrics.registry, { db: runtime.database.db, directory: runtime.database.directory, now, queues, redisTimeoutMs: config.redisCommandTimeoutMs });
    const app = createApp({
      log,
      bodyLimit: config.bodyLimit,
      ...(config.metrics === 'on' ? { metrics: { registry: metrics.registry, ...(config.metricsToken ? { token: config.metricsToken } : {}) } } : {}),
      protocolRouters: [iso18626Router(lifecycle, config.bodyLimit), ncipRouter(lifecycle, config.bodyLimit)],
      routers: [apiRouter({ ...lifecycle, mailFrom: config.mailFrom, live, mail, ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}) }, { sessions: { idleMs: config.sessionIdleMs, absoluteMs: config.sessionMaxMs }, patrons: { lifetimes: { idleMs: config.patronSessionIdleMs, absoluteMs: config.patronSessionMaxMs } } })],
      web: webRouter(),
      health: {
        database: () => runtime.database.ping(),
        redis: async () => {
          if (!queues.ready()) throw new Error(`connection is ${queues.connection.status}`);
          await queues.connection.ping();
        },
      },
    });
    server = await listen(app, config.port, config.host);
    const address = server.address() as AddressInfo;
    url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    await announceSetupCode(lifecycle, log, config.publicUrl ?? url);
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log.info('shutting down');
      // One deadline for requests and jobs together; past it the database is closed anyway.
      const deadline = Date.now() + config.shutdownTimeoutMs;
      if (server) {
        // Live streams never end by themselves: they are ended once the server takes no new requests.
        const closing = closeServer(server, config.shutdownTimeoutMs);
        await live?.close();
        await closing;
      }
      await sweeper.stop();
      await relay.stop();
      if (workers && !(await settlesWithin(workers.close(), deadline - Date.now()))) {
        log.warn({ timeoutMs: config.shutdownTimeoutMs }, 'running jobs did not finish in time; they run again after the restart');
        await workers.close(true);
      }
      mail.close();
      await changes.close();
      await queues.close();
      await runtime.close();
      log.info('stopped');
    })());

  return { ...(url ? { url } : {}), lifecycle, runtime, queues, relay, stop };
}

/**
 * While no staff user exists, a one-time code for creating the first administrator, in the log
 * only (warn: it must be seen). Each start makes its own; any valid one works, once.
 */
async function announceSetupCode(deps: ServiceDeps, log: Logger, baseUrl: string): Promise<void> {
  const issued = await issueSetupCode(deps);
  if (!issued) return;
  log.warn(
    { setupUrl: `${baseUrl.replace(/\/$/, '')}/setup`, expiresAt: issued.expiresAt.toISOString() },
    `No staff user exists yet. To create the first administrator, open ${baseUrl.replace(/\/$/, '')}/setup and enter the one-time setup code ${issued.code} ` +
      `(valid until ${issued.expiresAt.toISOString()} or until used; a restart makes a new one; or run npm run add-user)`,
  );
}

/** True when `work` settles within `ms` (it goes on in the background otherwise). */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, ms))));
  try {
    // A close that failed has settled too: the shutdown goes on to close the database.
    return await Promise.race([work.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function listen(app: ReturnType<typeof createApp>, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(server)));
    server.once('error', reject);
  });
}

/** Stops accepting, lets in-flight requests finish, then cuts whatever is left at the deadline. */
function closeServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
    server.close(() => {
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}
