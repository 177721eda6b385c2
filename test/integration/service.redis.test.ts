import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig, type Config } from '../../config/load';
import { JOBS } from '../../src/jobs';
import { startService } from '../../src/server';
import { openDatabase } from '../../src/store/db';
import { addToOutbox, getOutboxRow } from '../../src/store/outbox';
import { startRedisServer } from '../../workers/redis-server';
import { onPostgres, freshDatabase, type TestDatabase } from '../helpers/db';
import { eventually, someJob } from '../helpers/queues';

const log = pino({ level: 'silent' });

// Each test starts a whole service (and some a second one) on an embedded database: slow on a loaded machine.
jest.setTimeout(90_000);

/** A service configuration on a free port, with this run's Redis and a database of its own. */
function testConfig(dataDir: string, overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({ env: {} }), port: 0, dataDir, redisUrl: process.env.REDIS_URL, logLevel: 'silent', relayIntervalMs: 50, shutdownTimeoutMs: 5000, ...overrides };
}

describe('the running service', () => {
  let dataDir: string;
  let pg: TestDatabase | undefined;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ill-service-'));
    // On PostgreSQL the service gets its own throw-away database; on PGlite, files under dataDir.
    pg = onPostgres ? await freshDatabase() : undefined;
  });
  afterEach(async () => {
    await pg?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const config = (overrides: Partial<Config> = {}) => testConfig(dataDir, { ...(pg?.url ? { databaseUrl: pg.url } : {}), ...overrides });
  const reopen = () => (pg?.url ? openDatabase({ driver: 'postgres', url: pg.url, poolSize: 1 }) : openDatabase({ driver: 'pglite', dataDir: join(dataDir, 'pglite') }));

  it('finishes a job that is running when it is asked to shut down', async () => {
    let release!: () => void;
    const started = new Promise<void>((resolve) => {
      release = resolve;
    });
    let finished = false;
    const service = await startService(config(), {
      role: 'server',
      log,
      queuePrefix: `svc-${randomUUID().slice(0, 8)}`,
      handlers: {
        [JOBS.notice]: async () => {
          release();
          await new Promise((r) => setTimeout(r, 400));
          finished = true;
        },
      },
    });
    const db = service.runtime.database.db;
    const [id] = await db.transaction((tx) => addToOutbox(tx, [someJob()], randomUUID));
    service.relay.wake();
    await started;
    await service.stop();
    expect(finished).toBe(true);
    const again = await reopen();
    expect((await getOutboxRow(again.db, id!))?.status).toBe('done');
    await again.close();
  });

  it('reports ready with database and Redis up, and 503 once Redis is gone', async () => {
    const redis = await startRedisServer();
    const service = await startService(config({ redisUrl: redis.url, workers: 'separate' }), { role: 'server', log });
    try {
      const ready = await fetch(`${service.url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ok', checks: { database: { status: 'up' }, redis: { status: 'up' } } });
      await redis.stop();
      const body = await eventually(async () => {
        const res = await fetch(`${service.url}/health/ready`);
        return res.status === 503 ? ((await res.json()) as { checks: Record<string, { status: string }> }) : undefined;
      });
      expect(body.checks.database).toEqual({ status: 'up' });
      expect(body.checks.redis?.status).toBe('down');
    } finally {
      await service.stop();
      await redis.stop();
    }
  });

  it('relays again, by itself, a queued row whose job Redis lost', async () => {
    const service = await startService(config({ workers: 'separate', outboxSweepIntervalMs: 100, outboxStaleAfterMs: 300 }), { role: 'server', log, queuePrefix: `svc-${randomUUID().slice(0, 8)}` });
    try {
      const db = service.runtime.database.db;
      const notify = service.queues.queues.notify;
      const [id] = await db.transaction((tx) => addToOutbox(tx, [someJob()], randomUUID));
      service.relay.wake();
      await eventually(async () => (await notify.getJobState(id!)) === 'waiting');
      await notify.remove(id!);
      await eventually(async () => (await notify.getJobState(id!)) === 'waiting');
      expect((await getOutboxRow(db, id!))?.status).toBe('queued');
      const metrics = await (await fetch(`${service.url}/metrics`)).text();
      expect(metrics).toMatch(/^ill_outbox_oldest_age_seconds\{status="queued"\} [\d.e+-]+$/m);
    } finally {
      await service.stop();
    }
  });

  (onPostgres ? it.skip : it)('keeps its embedded data, queued jobs included, across a restart', async () => {
    const embedded = testConfig(dataDir, { redisUrl: undefined, workers: 'separate' });
    const first = await startService(embedded, { role: 'server', log });
    expect(first.runtime.privateRedis?.owned).toBe(true);
    const [id] = await first.runtime.database.db.transaction((tx) => addToOutbox(tx, [someJob()], randomUUID));
    first.relay.wake();
    await eventually(async () => (await getOutboxRow(first.runtime.database.db, id!))?.status === 'queued');
    await first.stop();

    const second = await startService(embedded, { role: 'server', log });
    try {
      expect((await getOutboxRow(second.runtime.database.db, id!))?.status).toBe('queued');
      // The job itself survived in the private Redis's append-only file.
      expect(await second.queues.queues.notify.getJobState(id!)).toBe('waiting');
    } finally {
      await second.stop();
    }
  });
});
