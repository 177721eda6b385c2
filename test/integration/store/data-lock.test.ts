/**
 * The lock on the embedded data folder: one holder at a time, a dead holder's lock taken over,
 * a pid the kernel gave to someone else not mistaken for the holder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdminKey } from '../../../src/cli/admin-key';
import { acquireDataLock, DataDirLocked, lockPathOf, processStartTime, type LockOwner } from '../../../src/store/data-lock';

describe('the embedded data folder lock', () => {
  let dir: string;
  let pglite: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ill-lock-'));
    pglite = join(dir, 'pglite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const writeLock = (owner: Partial<LockOwner>) =>
    writeFileSync(lockPathOf(pglite), JSON.stringify({ pid: process.pid, startTime: null, bootId: null, host: hostname(), holder: 'server', since: '2026-01-05T08:00:00.000Z', ...owner }));

  it('lives beside the data folder and names its holder; a second taker is refused with who and since when', async () => {
    const lock = await acquireDataLock(pglite, { holder: 'server', now: () => new Date('2026-03-02T09:30:00Z') });
    expect(lock.path).toBe(join(dir, 'pglite.lock'));
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({ pid: process.pid, startTime: processStartTime(process.pid), host: hostname(), holder: 'server', since: '2026-03-02T09:30:00.000Z' });
    const refused = acquireDataLock(pglite, { holder: 'backup' });
    await expect(refused).rejects.toBeInstanceOf(DataDirLocked);
    await expect(refused).rejects.toThrow(`the embedded database ${pglite} is in use by the server (pid ${process.pid}, since 2026-03-02T09:30:00.000Z)`);
    lock.release();
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
    (await acquireDataLock(pglite, { holder: 'backup' })).release();
  });

  it('takes over the lock of a process that is gone, and says whose it was', async () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    writeLock({ pid: gone, holder: 'server' });
    const told: (LockOwner | undefined)[] = [];
    const lock = await acquireDataLock(pglite, { holder: 'server', onStale: (previous) => told.push(previous) });
    expect(told).toEqual([expect.objectContaining({ pid: gone, holder: 'server' })]);
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('does not mistake a reused pid for the holder: a live pid that started at another time is stale', async () => {
    writeLock({ pid: process.pid, startTime: '1' });
    const lock = await acquireDataLock(pglite, { holder: 'server' });
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).startTime).toBe(processStartTime(process.pid));
    lock.release();
  });

  it('takes over a lock file it cannot read', async () => {
    writeFileSync(lockPathOf(pglite), '');
    const told: unknown[] = [];
    (await acquireDataLock(pglite, { holder: 'server', onStale: (previous) => told.push(previous) })).release();
    expect(told).toEqual([undefined]);
  });

  it('gives exactly one of two takers a stale lock', async () => {
    writeLock({ pid: spawnSync(process.execPath, ['-e', '0']).pid });
    const results = await Promise.allSettled([acquireDataLock(pglite, { holder: 'server' }), acquireDataLock(pglite, { holder: 'admin-key' })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)).toEqual([expect.any(DataDirLocked)]);
    for (const r of results) if (r.status === 'fulfilled') r.value.release();
  });

  it('is given back when its process exits without closing (process.exit, an uncaught error)', () => {
    const lockModule = join(__dirname, '..', '..', '..', 'dist', 'src', 'store', 'data-lock.js');
    for (const ending of ['process.exit(3)', 'setTimeout(() => { throw new Error("boom") }, 0)']) {
      const script = `require(${JSON.stringify(lockModule)}).acquireDataLock(${JSON.stringify(pglite)}, { holder: 'server' }).then(() => { ${ending} })`;
      const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      expect(run.status).not.toBe(0);
      expect(existsSync(lockPathOf(pglite))).toBe(false);
    }
  });

  it('makes admin-key refuse with one line, naming the holder, while another tool holds the store', async () => {
    const lock = await acquireDataLock(pglite, { holder: 'backup' });
    try {
      const err: string[] = [];
      const out: string[] = [];
      const code = await createAdminKey({ env: { DATA_DIR: dir }, argv: [], cwd: dir, stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
      expect({ code, out }).toEqual({ code: 1, out: [] });
      expect(err).toEqual([`admin-key: the embedded database in ${pglite} is held by the backup (pid ${process.pid}, since ${lock.owner.since}); wait for it to finish, then run this again`]);
    } finally {
      lock.release();
    }
  });
});
