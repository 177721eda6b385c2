import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { JOBS, outboxJob, PermanentJobFailure, type QUEUES } from '../../../src/jobs';
import { addToOutbox, getOutboxRow, markDone } from '../../../src/store/outbox';
import { outbox } from '../../../src/store/schema';
import { listEvents } from '../../../src/store/events';
import { getRequest, insertRequest } from '../../../src/store/requests';
import { connectionReady, openQueues } from '../../../workers/queues';
import { relayOnce } from '../../../workers/relay';
import { startRedisServer } from '../../../workers/redis-server';
import { startWorkers, type JobHandler } from '../../../workers/runner';
import { freshDatabase, type TestDatabase } from '../../helpers/db';
import { eventually, messageJob, someJob, testQueues, timerJob } from '../../helpers/queues';

const log = pino({ level: 'silent' });
const now = () => new Date();

describe('outbox to BullMQ', () => {
  let database: TestDatabase;
  let setup: ReturnType<typeof testQueues>;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(() => database.close());
  // Each test gets queues of its own (a fresh Redis prefix), so jobs never leak between tests.
  beforeEach(() => {
    setup = testQueues();
  });
  afterEach(() => setup.close());

  const relayDeps = () => ({ db: database.db, queues: setup.queues, now, log });
  const jobsIn = async (queue: keyof typeof QUEUES) => setup.queues[queue].getJobs(['waiting', 'active', 'delayed', 'completed', 'failed', 'paused', 'prioritized']);

  it('turns a committed outbox row into exactly one job, even when the relay runs twice', async () => {
    const [id] = await database.db.transaction((tx) => addToOutbox(tx, [someJob()], randomUUID));
    await relayOnce(relayDeps());
    await relayOnce(relayDeps());
    await Promise.all([relayOnce(relayDeps()), relayOnce(relayDeps())]);
    const jobs = await jobsIn('notify');
    expect(jobs.map((j) => [j.id, j.name, j.data])).toEqual([[id, JOBS.notice, { outboxId: id }]]);
    expect((await getOutboxRow(database.db, id!))?.status).toBe('queued');
  });

  it('adds no second job when a relay died after adding the job but before marking the row', async () => {
    const [id] = await database.db.transaction((tx) => addToOutbox(tx, [outboxJob(JOBS.send, { to: 'ISIL:DK-1', message: { kind: 'request', rotaIndex: 0 } })], randomUUID));
    await setup.queues.delivery.add(JOBS.send, { outboxId: id }, { jobId: id }); // the job the crashed relay added
    await relayOnce(relayDeps());
    expect((await jobsIn('delivery')).map((j) => j.id)).toEqual([id]);
  });

  it('produces no job for a transaction that rolled back', async () => {
    await expect(
      database.db.transaction(async (tx) => {
        await addToOutbox(tx, [outboxJob(JOBS.ncip, { call: 'CheckOutItem' })], randomUUID);
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    expect(await relayOnce(relayDeps())).toBe(0);
    expect(await jobsIn('ncip')).toEqual([]);
  });

  it('lets the messages of one request leave one at a time, in the order they were committed', async () => {
    const request = await insertRequest(
      database.db,
      { id: randomUUID(), role: 'requester', state: 'shipped', serviceType: 'Loan', requestingAgencyId: 'ISIL:DK-1', requestingAgencyRequestId: `order-${randomUUID()}` },
      now(),
    );
    const [received, shippedReturn] = await database.db.transaction((tx) => addToOutbox(tx, [messageJob(request.id, 'Received'), messageJob(request.id, 'ShippedReturn')], randomUUID));
    await relayOnce(relayDeps());
    expect((await jobsIn('delivery')).map((j) => j.id)).toEqual([received]);
    expect((await getOutboxRow(database.db, shippedReturn!))?.status).toBe('pending');
    await markDone(database.db, received!, now());
    await relayOnce(relayDeps());
    expect((await jobsIn('delivery')).map((j) => j.id).sort()).toEqual([received, shippedReturn].sort());
  });

  it('does not let a partner that is down hold up messages of the same request to another partner', async () => {
    const request = await insertRequest(
      database.db,
      { id: randomUUID(), role: 'requester', state: 'sent_to_supplier', serviceType: 'Loan', requestingAgencyId: 'ISIL:DK-1', requestingAgencyRequestId: `split-${randomUUID()}` },
      now(),
    );
    const askNext = outboxJob(JOBS.send, { to: 'ISIL:DK-NEXT', message: { kind: 'request', rotaIndex: 1 } }, { requestId: request.id });
    const [cancelOld, askNew, followUp] = await database.db.transaction((tx) =>
      addToOutbox(tx, [messageJob(request.id, 'Cancel', 'ISIL:DK-SILENT'), askNext, messageJob(request.id, 'Notification', 'ISIL:DK-SILENT')], randomUUID),
    );
    await relayOnce(relayDeps());
    expect((await jobsIn('delivery')).map((j) => j.id).sort()).toEqual([cancelOld, askNew].sort());
    expect((await getOutboxRow(database.db, followUp!))?.status).toBe('pending');
  });

  it('queues a timer to fire at its time, not before', async () => {
    const [id] = await database.db.transaction((tx) =>
      addToOutbox(tx, [timerJob(new Date(Date.now() + 60_000))], randomUUID),
    );
    await relayOnce(relayDeps());
    expect(await setup.queues.timers.getJobState(id!)).toBe('delayed');
  });

  it('puts rows back to pending when Redis is away, without waiting for it, and relays them once it is back', async () => {
    const redis = await startRedisServer();
    const own = openQueues(redis.url, `away-${randomUUID().slice(0, 8)}`);
    try {
      await connectionReady(own.connection);
      const [id] = await database.db.transaction((tx) => addToOutbox(tx, [someJob()], randomUUID));
      await redis.stop();
      expect(await relayOnce({ db: database.db, queues: own.queues, now, log })).toBe(0);
      expect((await getOutboxRow(database.db, id!))?.status).toBe('pending');
      const back = await startRedisServer({ port: redis.port });
      try {
        await eventually(async () => own.ready(), 30_000);
        expect(await relayOnce({ db: database.db, queues: own.queues, now, log })).toBe(1);
        expect(await own.queues.notify.getJobState(id!)).toBe('waiting');
      } finally {
        await back.stop();
      }
    } finally {
      await own.close();
      await redis.stop();
    }
  });

  describe('workers', () => {
    const runWith = (handler: JobHandler) =>
      startWorkers({ db: database.db, redisUrl: process.env.REDIS_URL!, prefix: setup.prefix, handlers: { [JOBS.notice]: handler }, concurrency: 2, now, log });

    it('runs the handler once per row even when the same job is delivered twice', async () => {
      const seen: string[] = [];
      const pool = runWith(async ({ row }) => {
        seen.push(row.id);
      });
      const [id] = await database.db.transaction((tx) => addToOutbox(tx, [someJob()], randomUUID));
      await relayOnce(relayDeps());
      await eventually(async () => (await getOutboxRow(database.db, id!))?.status === 'done');
      // A second job for the same row (e.g. re-added after its completed record expired).
      await setup.queues.notify.add(JOBS.notice, { outboxId: id }, { jobId: `${id}-again` });
      await eventually(async () => (await setup.queues.notify.getJobState(`${id}-again`)) === 'completed');
      await pool.close();
      expect(seen).toEqual([id]);
      expect(await getOutboxRow(database.db, id!)).toMatchObject({ status: 'done', attempts: 1 });
    });

    it('retries a transient failure and records the attempts', async () => {
      let calls = 0;
      const pool = runWith(async () => {
        calls += 1;
        if (calls < 2) throw new Error('SMTP 421 try again later');
      });
      const [id] = await database.db.transaction((tx) => addToOutbox(tx, [someJob()], randomUUID));
      await relayOnce(relayDeps());
      await eventually(async () => (await getOutboxRow(database.db, id!))?.status === 'done');
      await pool.close();
      expect(await getOutboxRow(database.db, id!)).toMatchObject({ status: 'done', attempts: 2, lastError: null });
    });

    it('gives up on a definite refusal at once and flags the request for staff', async () => {
      const at = now();
      const request = await insertRequest(
        database.db,
        { id: randomUUID(), role: 'requester', state: 'shipped', serviceType: 'Loan', requestingAgencyId: 'ISIL:DK-1', requestingAgencyRequestId: 'r-9' },
        at,
      );
      let calls = 0;
      const pool = runWith(async () => {
        calls += 1;
        throw new PermanentJobFailure('patron address bounced: no such mailbox');
      });
      const [id] = await database.db.transaction((tx) => addToOutbox(tx, [someJob(request.id)], randomUUID));
      await relayOnce(relayDeps());
      await eventually(async () => (await getOutboxRow(database.db, id!))?.status === 'dead');
      await pool.close();
      expect(calls).toBe(1);
      expect(await getOutboxRow(database.db, id!)).toMatchObject({ status: 'dead', attempts: 1, lastError: 'patron address bounced: no such mailbox' });
      expect((await getRequest(database.db, request.id))?.needsAttention).toBe(true);
      // The reason is in the request's audit trail, where staff look.
      expect((await listEvents(database.db, request.id)).at(-1)).toMatchObject({
        event: 'needs_attention',
        fromState: 'shipped',
        toState: 'shipped',
        data: { reason: 'patron address bounced: no such mailbox', queue: 'notify', job: JOBS.notice },
      });
    });

    it('marks a row dead when its retries are exhausted', async () => {
      const pool = runWith(async () => {
        throw new Error('connection refused');
      });
      const [id] = await database.db.transaction((tx) => addToOutbox(tx, [someJob()], randomUUID));
      await relayOnce(relayDeps());
      await eventually(async () => (await getOutboxRow(database.db, id!))?.status === 'dead');
      await pool.close();
      expect(await getOutboxRow(database.db, id!)).toMatchObject({ status: 'dead', attempts: 3, lastError: 'connection refused' });
    });

    it('settles a job whose name has no handler as dead instead of retrying it', async () => {
      const pool = runWith(async () => {});
      // A row no producer can write any more: left by an older version that had this job.
      const id = randomUUID();
      await database.db.insert(outbox).values({ id, queue: 'notify', jobName: 'no-such-job', payload: {} });
      await relayOnce(relayDeps());
      await eventually(async () => (await getOutboxRow(database.db, id!))?.status === 'dead');
      await pool.close();
      expect((await getOutboxRow(database.db, id!))?.lastError).toMatch(/no handler for job "no-such-job"/);
    });
  });
});
