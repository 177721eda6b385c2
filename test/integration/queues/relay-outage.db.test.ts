/**
 * The outbox relay during a database outage: every pass fails while the database is away, and
 * the log says so once, in our words — not twice a second with the statement and its parameters.
 */
import pino from 'pino';
import type { Queue } from 'bullmq';
import { QUEUE_NAMES, type QueueName } from '../../../src/jobs';
import { startRelay } from '../../../workers/relay';
import { freshDatabase } from '../../helpers/db';
import { eventually } from '../../helpers/queues';

it('reports a database outage once, without SQL, however many passes fail', async () => {
  const database = await freshDatabase();
  await database.close(); // the database is gone for every pass from now on
  const lines: { level: number; msg: string; [k: string]: unknown }[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) });
  const queues = Object.fromEntries(QUEUE_NAMES.map((q) => [q, {} as Queue])) as Record<QueueName, Queue>;
  let passes = 0;
  const relay = startRelay({ db: database.db, queues, now: () => new Date(), log, redisReady: () => (passes++, true) }, 20);
  try {
    await eventually(async () => passes >= 10, 10_000);
  } finally {
    await relay.stop();
  }
  const said = lines.filter((l) => l.level >= 40);
  expect(said).toHaveLength(1);
  expect(said[0]).toMatchObject({ level: 40, msg: 'outbox relay waits for the database' });
  expect(JSON.stringify(said)).not.toMatch(/select|update|outbox"|\$1/i);
});
