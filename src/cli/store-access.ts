/**
 * How a command-line tool reaches the store, so that it never works on a second copy:
 *
 * - PostgreSQL (DATABASE_URL): it connects like any other process (several are normal there).
 * - The embedded database, held by a running server: it sends its request over the server's
 *   control channel (DATA_DIR/control.sock), and the server does the work.
 * - The embedded database, not held: it opens the store itself, under the data lock.
 * - Held by anything else (another tool, a server without a control channel): StoreRefused, with
 *   the one line to show. So is a backup of an embedded database that does not exist.
 *
 * The work itself is the same in every case: performControl (control/operations.ts).
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../../config/load';
import { callControlChannel, controlSocketPath } from '../control/channel';
import { controlRequestSchema, performControl, type ControlReply, type ControlRequest } from '../control/operations';
import { DataDirLocked, describeOwner } from '../store/data-lock';
import { openDatabase, type Database } from '../store/db';

/** The one line a tool prints when it must not (or cannot) work on the store now; exit code 1. */
export class StoreRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreRefused';
  }
}

export interface StoreWork {
  readonly reply: ControlReply;
  /** `server`: done by the running server; `direct`: by this process. */
  readonly via: 'server' | 'direct';
}

/** A backup of a large database may take a while; the server answers once the file is written. */
const CONTROL_TIMEOUT_MS = 10 * 60_000;

export async function runOnStore(config: Config, request: ControlRequest, tool: string): Promise<StoreWork> {
  controlRequestSchema.parse(request);
  if (!config.databaseUrl) {
    const answered = await callControlChannel(controlSocketPath(config.dataDir), request, CONTROL_TIMEOUT_MS);
    if (answered !== undefined) return { reply: answered as ControlReply, via: 'server' };
  }
  const pgliteDir = join(config.dataDir, 'pglite');
  if (request.op === 'backup' && !config.databaseUrl && !existsSync(join(pgliteDir, 'PG_VERSION'))) {
    // Opening it would create an empty database, and back that up.
    throw new StoreRefused(`${tool}: there is no embedded database in ${resolve(pgliteDir)}; is DATA_DIR right?`);
  }
  const database = await openStore(config, tool, { migrate: request.op !== 'backup' });
  try {
    const performer = `npm run ${tool} (pid ${process.pid}) ${database.driver === 'pglite' ? 'on the stopped store' : 'with pg_dump'}`;
    return { reply: await performControl({ db: database.db, directory: database.directory, database, now: () => new Date(), newId: randomUUID, performer }, request), via: 'direct' };
  } finally {
    await database.close();
  }
}

/** `runOnStore` for a command: a refusal is said in its one line on stderr and comes back as undefined. */
export async function runOrSayRefused(config: Config, request: ControlRequest, tool: string, stderr: (line: string) => void): Promise<StoreWork | undefined> {
  try {
    return await runOnStore(config, request, tool);
  } catch (err) {
    if (!(err instanceof StoreRefused)) throw err;
    stderr(err.message);
    return undefined;
  }
}

/** Opens the configured store for this process, or throws StoreRefused naming who holds it. */
export async function openStore(config: Config, tool: string, options: { readonly migrate: boolean }): Promise<Database> {
  if (config.databaseUrl) return openDatabase({ driver: 'postgres', url: config.databaseUrl, poolSize: 1, migrate: options.migrate });
  try {
    return await openDatabase({ driver: 'pglite', dataDir: join(config.dataDir, 'pglite'), holder: tool, migrate: options.migrate });
  } catch (err) {
    if (err instanceof DataDirLocked) throw lockedRefusal(err, tool);
    throw err;
  }
}

export function lockedRefusal(err: DataDirLocked, tool: string): StoreRefused {
  const server = err.owner.holder === 'server';
  return new StoreRefused(
    `${tool}: the embedded database in ${err.dataDir} is held by ${describeOwner(err.owner)}` +
      (server
        ? tool === 'restore'
          ? '; stop the server first (Ctrl-C or SIGTERM), then run the restore again'
          : ' and its control channel does not answer; if it is still starting, try again in a moment, otherwise stop it and run this again'
        : '; wait for it to finish, then run this again'),
  );
}
