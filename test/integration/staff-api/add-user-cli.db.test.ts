import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { addUser } from '../../../src/cli/add-user';
import { checkCredentials } from '../../../src/services/access/sessions';
import { setupNeeded } from '../../../src/services/access/setup';
import { openDatabase } from '../../../src/store/db';
import { insertLibrary } from '../../../src/store/libraries';
import { freshDatabase, onPostgres, type TestDatabase } from '../../helpers/db';

// Each run opens the embedded database afresh (start-up and migrations): slow on a loaded machine.
jest.setTimeout(60_000);

describe('npm run add-user, on a store no server holds (scripts/add-user.mjs)', () => {
  let dataDir: string;
  let pg: TestDatabase | undefined;
  const env = (): NodeJS.ProcessEnv => ({ DATA_DIR: dataDir, ...(pg?.url ? { DATABASE_URL: pg.url } : {}) });
  const run = async (argv: string[], stdin?: string) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await addUser({ env: env(), argv, cwd: process.cwd(), stdout: (l) => out.push(l), stderr: (l) => err.push(l), stdin: async () => stdin });
    return { code, out, err };
  };
  /** Opens the store the tool wrote to (PGlite: after the tool gave it back). */
  const withStore = async <T>(work: (deps: { db: TestDatabase['db']; directory: TestDatabase['directory']; now: () => Date; newId: () => string }) => Promise<T>): Promise<T> => {
    const database = pg ?? (await openDatabase({ driver: 'pglite', dataDir: join(dataDir, 'pglite') }));
    try {
      return await work({ db: database.db, directory: database.directory, now: () => new Date(), newId: randomUUID });
    } finally {
      if (!pg) await database.close();
    }
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ill-add-user-'));
    if (onPostgres) pg = await freshDatabase();
  });
  afterAll(async () => {
    await pg?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes a user with the password piped in (first line only); it signs in, and setup is no longer needed', async () => {
    const { code, out, err } = await run(['--username', 'Ada', '--display-name', 'Ada Lovelace', '--role', 'admin', '--email', 'ada@library.example.org'], 'a piped-in passphrase\n');
    expect(code).toBe(0);
    expect(out).toEqual([]);
    expect(err.join('\n')).toContain('User ada (');
    expect(err.join('\n')).toContain('admin, all libraries');
    await withStore(async (deps) => {
      expect(await checkCredentials(deps, 'ada', 'a piped-in passphrase')).toMatchObject({ displayName: 'Ada Lovelace', email: 'ada@library.example.org', role: 'admin', mustChangePassword: false });
      expect(await setupNeeded(deps)).toBe(false);
    });
  });

  it('generates a password when none is piped in, prints it once on stdout, and asks for a change at first sign-in', async () => {
    await withStore((deps) => insertLibrary(deps.db, { id: randomUUID(), symbol: 'ISIL:DK-100', name: 'Main', settings: {} }));
    // Nothing piped in reads as an empty stdin (`< /dev/null`), not as an empty password.
    const { code, out } = await run(['--username', 'grace', '--display-name', 'Grace Hopper', '--role', 'staff', '--library', 'isil:dk-100'], '');
    expect(code).toBe(0);
    expect(out).toEqual([expect.stringMatching(/^[A-Za-z0-9]{20}$/)]);
    await withStore(async (deps) => expect(await checkCredentials(deps, 'grace', out[0]!)).toMatchObject({ role: 'staff', mustChangePassword: true }));
  });

  it('refuses missing flags, an unknown role, a short password and an unknown library with exit code 2; a taken username with 1', async () => {
    expect((await run(['--username', 'x'])).code).toBe(2);
    const role = await run(['--username', 'linus', '--display-name', 'Linus', '--role', 'root']);
    expect(role).toMatchObject({ code: 2, out: [] });
    expect(role.err.join('\n')).toContain('--role');
    const short = await run(['--username', 'linus', '--display-name', 'Linus', '--role', 'staff'], 'short\n');
    expect(short.err.join('\n')).toContain('password (stdin): must be at least 12 characters');
    const library = await run(['--username', 'linus', '--display-name', 'Linus', '--role', 'staff', '--library', 'ISIL:XX-1']);
    expect(library.err.join('\n')).toContain('--library: no member library ISIL:XX-1');
    const taken = await run(['--username', 'ADA', '--display-name', 'Another Ada', '--role', 'staff']);
    expect(taken).toMatchObject({ code: 1, out: [] });
    expect(taken.err.join('\n')).toContain('the username ada is taken');
  });
});
