/**
 * Outbox rows that no job would ever settle are healed: a job Redis lost is relayed again, and a
 * row whose job gave up while the database refused the write that says so still ends dead. Each
 * test gets queues of its own, and settles what it left behind: the sweeper looks at every
 * queued row of the database.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { JOBS, PermanentJobFailure } from '../../../src/jobs';
import { addToOutbox, getOutboxRow, markDone } from '../../../src/store/outbox';
import { outbox } from '../../../src/store/schema';
import { insertRequest } from '../../../src/store/requests';
import { relayOnce } from '../../../workers/relay';
import { startWorkers, type JobHandler } from '../../../workers/runner';
import { sweepOnce } from '../../../workers/sweeper';
import { freshDatabase, type TestDatabase } from '../../helpers/db';
import { eventually, messageJob, someJob, testQueues, timerJob } from '../../helpers/queues';

const log = pino({ level: 'silent' });
const now = () => new Date();

describe('outbox self-healing', () => {
  let database: TestDatabase;
  let setup: ReturnType<typeof testQueues>;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(() => database.close());
  beforeEach(() => {
    setup = testQueues();
  });
  afterEach(async () => {
    await setup.close();
    await database.db.update(outbox).set({ status: 'done' });
  });

  const relay = () => relayOnce({ db: database.db, queues: setup.queues, now, log });
  // Every queued row is overdue for the sweeper here.
  const sweep = (staleAfterMs = 0) => sweepOnce({ db: database.db, queues: setup.queues, now, log, staleAfterMs });
  const add = (effects: Parameters<typeof addToOutbox>[1]) => database.db.transaction((tx) => addToOutbox(tx, effects, randomUUID));

  describe('the sweeper', () => {
    it('relays a queued row again when Redis has lost its job', async () => {
      const [id] = await add([someJob()]);
      await relay();
      await setup.queues.notify.remove(id!); // what a flushed Redis or a lost append-only second does
      expect(await sweep()).toEqual({ released: 1, settled: 0 });
      expect((await getOutboxRow(database.db, id!))?.status).toBe('pending');
      await relay();
      expect(await setup.queues.notify.getJobState(id!)).toBe('waiting');
      expect((await getOutboxRow(database.db, id!))?.status).toBe('queued');
    });

    it('frees the later messages of a request that a lost job was holding up, keeping their order', async () => {
      const request = await insertRequest(
        database.db,
        { id: randomUUID(), role: 'requester', state: 'shipped', serviceType: 'Loan', requestingAgencyId: 'ISIL:DK-1', requestingAgencyRequestId: `lost-${randomUUID()}` },
        now(),
      );
      const [received, shippedReturn] = await add([messageJob(request.id, 'Received'), messageJob(request.id, 'ShippedReturn')]);
      await relay();
      await setup.queues.delivery.remove(received!);
      await sweep();
      await relay();
      expect(await setup.queues.delivery.getJobState(received!)).toBe('waiting');
      expect((await getOutboxRow(database.db, shippedReturn!))?.status).toBe('pending');
      await markDone(database.db, received!, now());
      await relay();
      expect(await setup.queues.delivery.getJobState(shippedReturn!)).toBe('waiting');
    });

    it('leaves queued rows alone while their jobs wait or are delayed, and rows queued more recently than the bound', async () => {
      const [waiting, timer] = await add([
        someJob(),
        timerJob(new Date(Date.now() + 3600_000)),
      ]);
      await relay();
      expect(await sweep()).toEqual({ released: 0, settled: 0 });
      await setup.queues.notify.remove(waiting!);
      expect(await sweep(3600_000)).toEqual({ released: 0, settled: 0 });
      expect((await getOutboxRow(database.db, waiting!))?.status).toBe('queued');
      expect(await setup.queues.timers.getJobState(timer!)).toBe('delayed');
    });
  });

  describe('when the database refuses the write that settles a row dead', () => {
    // The first write of a dead row fails, as when the database is away at that moment. A
    // sequence counts the writes because it is not rolled back with the failed transaction.
    beforeEach(async () => {
      await database.db.execute(sql`create sequence dead_writes`);
      await database.db.execute(
        sql.raw(`create function refuse_first_dead_write() returns trigger language plpgsql as $$
          begin
            if new.status = 'dead' and nextval('dead_writes') = 1 then raise exception 'the database is unavailable'; end if;
            return new;
          end $$`),
      );
      await database.db.execute(sql`create trigger refuse_first_dead_write before update on outbox for each row execute function refuse_first_dead_write()`);
    });
    afterEach(async () => {
      await database.db.execute(sql`drop trigger refuse_first_dead_write on outbox`);
      await database.db.execute(sql`drop function refuse_first_dead_write()`);
      await database.db.execute(sql`drop sequence dead_writes`);
    });

    const runWith = (handler: JobHandler) =>
      startWorkers({ db: database.db, redisUrl: process.env.REDIS_URL!, prefix: setup.prefix, handlers: { [JOBS.notice]: handler }, concurrency: 1, now, log });

    it('retries a definite refusal until its row is dead, instead of leaving it queued', async () => {
      let calls = 0;
      const pool = runWith(async () => {
        calls += 1;
        throw new PermanentJobFailure('patron address bounced: no such mailbox');
      });
      const [id] = await add([someJob()]);
      await relay();
      await eventually(async () => (await getOutboxRow(database.db, id!))?.status === 'dead');
      await pool.close();
      expect(calls).toBe(2);
      expect((await getOutboxRow(database.db, id!))?.lastError).toBe('patron address bounced: no such mailbox');
    });

    it('settles the row dead through the sweeper when the last attempt could not', async () => {
      const pool = runWith(async () => {
        throw new Error('connection refused');
      });
      const [id] = await add([someJob()]);
      await relay();
      await eventually(async () => (await setup.queues.notify.getJobState(id!)) === 'failed');
      await pool.close();
      expect((await getOutboxRow(database.db, id!))?.status).toBe('queued');
      expect(await sweep()).toEqual({ released: 0, settled: 1 });
      expect(await getOutboxRow(database.db, id!)).toMatchObject({ status: 'dead', lastError: 'connection refused' });
    });
  });
});
