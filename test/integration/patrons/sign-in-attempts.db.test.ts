/**
 * The windows patron sign-in limits count attempts in, kept in the database: a key may try until
 * it has used its attempts, then waits for its window to end; every instance on the database
 * counts the same attempts.
 */
import { AttemptWindow } from '../../../src/services/patrons/sign-in-limits';
import { signInAttempts } from '../../../src/store/schema';
import { freshDatabase, type TestDatabase } from '../../helpers/db';

jest.setTimeout(120_000);

describe('sign-in attempt windows', () => {
  let database: TestDatabase;
  let clock = new Date('2026-05-04T09:00:00.000Z');
  const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));
  /** One limit as one server holds it; two calls are two servers on the same database. */
  const windowOf = (kind: string) => new AttemptWindow(kind, { max: 3, windowMs: 60_000 }, { db: database.db, now: () => clock });

  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(() => database.close());

  it('lets a key try until it has used its attempts, then says how long to wait', async () => {
    const w = windowOf('card');
    for (let i = 0; i < 3; i++) {
      expect(await w.refusedFor('card 1')).toBeUndefined();
      await w.count('card 1');
    }
    expect(await w.refusedFor('card 1')).toBe(60);
    advance(45_000);
    expect(await w.refusedFor('card 1')).toBe(15);
    expect(await w.refusedFor('card 2')).toBeUndefined();
  });

  it('forgets a key when its window has passed, and starts a new one at the next attempt', async () => {
    const w = windowOf('card');
    for (let i = 0; i < 3; i++) await w.count('card 3');
    advance(60_000);
    expect(await w.refusedFor('card 3')).toBeUndefined();
    await w.count('card 3');
    await w.count('card 3');
    expect(await w.refusedFor('card 3')).toBeUndefined();
    await w.count('card 3');
    expect(await w.refusedFor('card 3')).toBe(60);
  });

  it('counts attempts made on two servers at once as one count, and keeps limits apart', async () => {
    const [one, two] = [windowOf('address'), windowOf('address')];
    await Promise.all([one.count('10.0.0.1'), two.count('10.0.0.1'), one.count('10.0.0.1')]);
    expect(await two.refusedFor('10.0.0.1')).toBe(60);
    expect(await one.refusedFor('10.0.0.1')).toBe(60);
    // The same key under another limit has its own count.
    expect(await windowOf('link_address').refusedFor('10.0.0.1')).toBeUndefined();
  });

  it('drops windows that have ended as new attempts come, so the table stays small', async () => {
    const w = windowOf('mailbox');
    for (let i = 0; i < 5; i++) await w.count(`mailbox ${i}`);
    advance(61_000);
    await w.count('mailbox new');
    const kept = await database.db.select().from(signInAttempts);
    expect(kept.map((r) => [r.kind, r.key])).toEqual([['mailbox', 'mailbox new']]);
  });
});
