/**
 * `node scripts/create-admin-key.mjs [--name <name>] [--role admin|staff|read-only] [--library <symbol>]`:
 * makes an API key straight in the database the server uses (same configuration) and prints
 * it once. This is how the first admin key comes to exist; later keys are made through the API.
 * The embedded database can be opened by one process only: stop the server first, or run it
 * against PostgreSQL (DATABASE_URL).
 */
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ConfigError, loadConfig } from '../config/load';
import { createApiKey } from './services/api-keys';
import { ValidationFailed } from './services/errors';
import { openDatabase } from './store/db';

export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly argv: readonly string[];
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

const USAGE = 'usage: create-admin-key [--name <name>] [--role admin|staff|read-only] [--library <symbol>]';

function options(argv: readonly string[]): Record<string, string> | string {
  const given: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (!['--name', '--role', '--library'].includes(flag) || value === undefined) return `${flag}: not understood\n${USAGE}`;
    given[flag.slice(2)] = value;
  }
  return given;
}

/** Returns the exit code: 0 made, 2 bad arguments or configuration, 1 the database refused. */
export async function createAdminKey(io: CliIo): Promise<number> {
  const given = options(io.argv);
  if (typeof given === 'string') {
    io.stderr(given);
    return 2;
  }
  let config;
  try {
    config = loadConfig({ env: io.env });
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr(err.message);
      return 2;
    }
    throw err;
  }
  const database = config.databaseUrl
    ? await openDatabase({ driver: 'postgres', url: config.databaseUrl, poolSize: 1 })
    : await openDatabase({ driver: 'pglite', dataDir: join(config.dataDir, 'pglite') });
  try {
    const made = await createApiKey(
      { db: database.db, now: () => new Date(), newId: randomUUID },
      { name: given.name ?? 'bootstrap admin', role: given.role ?? 'admin', ...(given.library ? { library: given.library } : {}) },
    );
    io.stdout(made.key);
    io.stderr(`API key ${made.id} (${made.role}, ${made.library ?? 'all libraries'}) made. It is shown this once; send it as "Authorization: Bearer <key>".`);
    return 0;
  } catch (err) {
    if (err instanceof ValidationFailed) {
      io.stderr(err.fields.map((f) => `--${f.path}: ${f.message}`).join('\n'));
      return 2;
    }
    throw err;
  } finally {
    await database.close();
  }
}

if (require.main === module) {
  void createAdminKey({
    env: process.env,
    argv: process.argv.slice(2),
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`could not make the key: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
