import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createAdminKey } from '../../../src/cli/admin-key';
import { authenticate } from '../../../src/services/access/api-keys';
import { openDatabase } from '../../../src/store/db';
import { insertLibrary } from '../../../src/store/libraries';
import { freshDatabase, onPostgres, type TestDatabase } from '../../helpers/db';

describe('the first admin key, from the command line (scripts/create-admin-key.mjs)', () => {
  let dataDir: string;
  let pg: TestDatabase | undefined;
  const env = (): NodeJS.ProcessEnv => ({ DATA_DIR: dataDir, ...(pg?.url ? { DATABASE_URL: pg.url } : {}) });
  const open = () => (pg ? Promise.resolve(pg) : openDatabase({ driver: 'pglite', dataDir: join(dataDir, 'pglite') }));
  const run = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await createAdminKey({ env: env(), argv, cwd: process.cwd(), stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
    return { code, out, err };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ill-admin-key-'));
    if (onPostgres) pg = await freshDatabase();
  });
  afterAll(async () => {
    await pg?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints a new admin key for all libraries, once, on stdout; the key then authenticates', async () => {
    const { code, out, err } = await run(['--name', 'First admin']);
    expect(code).toBe(0);
    expect(out).toEqual([expect.stringMatching(/^ill_[A-Za-z0-9_-]{43}$/)]);
    expect(err.join('\n')).toContain('admin, all libraries');
    const database = await open();
    try {
      const result = await authenticate({ db: database.db, directory: database.directory, now: () => new Date(), newId: randomUUID }, out[0]!);
      expect(result).toMatchObject({ ok: true, principal: { name: 'First admin', role: 'admin', libraryId: null } });
    } finally {
      if (!pg) await database.close();
    }
  });

  it('makes a key of one library and role when asked', async () => {
    const database = await open();
    const id = randomUUID();
    await insertLibrary(database.db, { id, symbol: 'ISIL:DK-100', name: 'Main', settings: {} });
    if (!pg) await database.close();
    const { code, out } = await run(['--role', 'staff', '--library', 'isil:dk-100']);
    expect(code).toBe(0);
    const again = await open();
    try {
      expect(await authenticate({ db: again.db, directory: again.directory, now: () => new Date(), newId: randomUUID }, out[0]!)).toMatchObject({ ok: true, principal: { role: 'staff', libraryId: id } });
    } finally {
      if (!pg) await again.close();
    }
  });

  it('refuses unknown flags, roles and libraries with exit code 2 and makes nothing', async () => {
    expect((await run(['--admin'])).code).toBe(2);
    const role = await run(['--role', 'root']);
    expect(role).toMatchObject({ code: 2, out: [] });
    expect(role.err.join('\n')).toContain('--role');
    const library = await run(['--library', 'ISIL:XX-1']);
    expect(library).toMatchObject({ code: 2, out: [] });
    expect(library.err.join('\n')).toContain('no member library ISIL:XX-1');
  });
});
