/**
 * The directory read from memory (src/store/directory-cache.ts), in one process: a change is
 * seen by the very next read, a warm read does not touch the database, and a change that was
 * rolled back is never seen. Across processes: directory-cache.pg.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import request from 'supertest';
import { insertPartner, updatePartner, type NewPartner } from '../../src/store/partners';
import { eventually } from '../helpers/queues';
import { LIBRARY_A, LIBRARY_B, startStaffApi, type StaffApi } from '../helpers/staff-api';

const partner = (symbol: string): NewPartner => ({ id: randomUUID(), symbol, name: symbol, iso18626Url: 'http://127.0.0.1:9/iso18626', auth: {}, policies: {}, vendor: null, contactEmail: null, status: 'active' });

describe('the directory cache in one process', () => {
  let api: StaffApi;
  beforeAll(async () => {
    api = await startStaffApi();
    await api.database.directory.write((db) => insertPartner(db, partner('ISIL:DK-300')));
  });
  afterAll(() => api.database.close());

  const directory = () => api.database.directory;
  const dryRun = () => request(api.app).post('/api/v1/routing/dry-run').set('Authorization', api.keys.staffA).send({ candidates: [{ symbol: 'ISIL:DK-300' }] });

  it('routes around a partner suspended through the staff API on the very next request', async () => {
    expect((await dryRun()).body.rota).toEqual([{ symbol: 'ISIL:DK-300' }]);
    const suspended = await request(api.app).patch('/api/v1/partners/ISIL:DK-300').set('Authorization', api.keys.admin).send({ status: 'suspended' });
    expect(suspended.status).toBe(200);
    const res = await dryRun();
    expect(res.body.rota).toEqual([]);
    expect(res.body.explanation).toEqual([{ symbol: 'ISIL:DK-300', kept: false, reason: 'is suspended in the directory' }]);

    await request(api.app).patch('/api/v1/partners/ISIL:DK-300').set('Authorization', api.keys.admin).send({ status: 'active' }).expect(200);
    expect((await dryRun()).body.rota).toEqual([{ symbol: 'ISIL:DK-300' }]);
  });

  it('shows a library renamed through the staff API at once', async () => {
    await request(api.app).get(`/api/v1/libraries/${LIBRARY_B}`).set('Authorization', api.keys.admin).expect(200);
    await request(api.app).patch(`/api/v1/libraries/${LIBRARY_B}`).set('Authorization', api.keys.admin).send({ name: 'Branch Library (east)' }).expect(200);
    expect((await request(api.app).get(`/api/v1/libraries/${LIBRARY_B}`).set('Authorization', api.keys.admin)).body.name).toBe('Branch Library (east)');
    expect((await directory().libraryById(api.libraryIds.b))?.name).toBe('Branch Library (east)');
  });

  it('answers a warm read while the directory tables are locked: it does not query', async () => {
    await directory().partner('ISIL:DK-300');
    await directory().libraries();
    const before = directory().stats();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // Any statement on these tables waits for this transaction (PGlite: any statement at all).
    const holder = api.database.db.transaction(async (tx) => {
      await tx.execute(sql`lock table partners, libraries in access exclusive mode`);
      locked();
      await released;
    });
    await isLocked;
    try {
      const reads = Promise.all([directory().partner('ISIL:DK-300'), directory().library(LIBRARY_A), directory().librariesByAgencyCode('dk-100'), directory().partners()]);
      const answered = await Promise.race([reads.then(() => 'answered'), new Promise((resolve) => setTimeout(() => resolve('waited for the lock'), 10_000).unref())]);
      expect(answered).toBe('answered');
      const [p, library, byCode, all] = await reads;
      expect(p?.status).toBe('active');
      expect(library?.id).toBe(api.libraryIds.a);
      expect(byCode.map((l) => l.symbol)).toEqual([LIBRARY_A]);
      expect(all.map((x) => x.symbol)).toEqual(['ISIL:DK-300']);
    } finally {
      release();
      await holder;
    }
    expect(directory().stats()).toEqual({ ...before, hits: before.hits + 4 });
  });

  it('reads a miss through the caller’s transaction instead of waiting for a second connection', async () => {
    await directory().write((db) => insertPartner(db, partner('ISIL:DK-301')));
    const found = await api.database.db.transaction((tx) => directory().partner('ISIL:DK-301', tx));
    expect(found?.symbol).toBe('ISIL:DK-301');
    // The table is loaded in the background meanwhile and later reads come from memory.
    await eventually(async () => {
      const before = directory().stats().hits;
      await directory().partner('ISIL:DK-301');
      return directory().stats().hits === before + 1;
    });
  });

  it('never shows a change that was rolled back', async () => {
    const before = (await directory().partner('ISIL:DK-300'))!;
    await expect(
      directory().write((db) =>
        db.transaction(async (tx) => {
          await updatePartner(tx, before.id, { status: 'inactive' }, new Date());
          throw new Error('changed my mind');
        }),
      ),
    ).rejects.toThrow('changed my mind');
    expect((await directory().partner('ISIL:DK-300'))?.status).toBe('active');
  });

  it('hears a change written through the store without `write`, by its announcement', async () => {
    await directory().partners();
    await insertPartner(api.database.db, partner('ISIL:DK-302'));
    await eventually(async () => (await directory().partners()).some((p) => p.symbol === 'ISIL:DK-302'));
  });

  it('matches an agency code by whole symbol or by value, without case', async () => {
    expect((await directory().librariesByAgencyCode('isil:dk-200')).map((l) => l.id)).toEqual([api.libraryIds.b]);
    expect((await directory().librariesByAgencyCode(' DK-100 ')).map((l) => l.id)).toEqual([api.libraryIds.a]);
    expect(await directory().librariesByAgencyCode('DK-999')).toEqual([]);
  });

  it('hands out rows no caller can change for the next one', async () => {
    const row = (await directory().partner('ISIL:DK-300'))!;
    expect(() => {
      (row.policies as Record<string, unknown>).dailyLimit = 1;
    }).toThrow(TypeError);
    expect((await directory().partner('ISIL:DK-300'))?.policies).toEqual({});
  });
});
