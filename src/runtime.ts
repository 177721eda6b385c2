/**
 * Opens the things the server and the worker process share: the database (PGlite under
 * DATA_DIR or PostgreSQL) and Redis (REDIS_URL or a private redis-server), and closes them
 * in the reverse order. The database comes first: with the embedded one, its lock decides
 * whether this process may use DATA_DIR at all. A process holding the embedded database also
 * serves the control channel, through which the command-line tools reach it.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/load';
import { ensurePrivateRedis, type PrivateRedis } from '../workers/private-redis';
import { controlSocketPath, serveControlChannel, type ControlChannel } from './control/channel';
import { performControl } from './control/operations';
import { openDatabase, type Database } from './store/db';
import { describeOwner } from './store/data-lock';

export interface Runtime {
  readonly database: Database;
  readonly redisUrl: string;
  readonly privateRedis?: PrivateRedis;
  close(): Promise<void>;
}

export async function openRuntime(config: Config, log: Logger): Promise<Runtime> {
  const pgliteDir = join(config.dataDir, 'pglite');
  const database = config.databaseUrl
    ? await openDatabase({ driver: 'postgres', url: config.databaseUrl, log })
    : await openDatabase({
        driver: 'pglite',
        dataDir: pgliteDir,
        holder: 'server',
        onStaleLock: (previous) =>
          log.warn({ previous }, `took over the lock of the embedded database from ${previous ? describeOwner(previous) : 'an unreadable lock file'}, which is gone`),
      });
  log.info({ driver: database.driver, ...(database.driver === 'pglite' ? { dataDir: pgliteDir } : {}) }, 'database ready, migrations applied');
  let control: ControlChannel | undefined;
  let privateRedis: PrivateRedis | undefined;
  try {
    if (database.driver === 'pglite') control = await openControlChannel(config.dataDir, database, log);
    privateRedis = config.redisUrl ? undefined : await ensurePrivateRedis(config.dataDir, { bin: config.redisServerBin, log });
  } catch (err) {
    await control?.close();
    await database.close();
    throw err;
  }
  if (privateRedis) {
    log.info({ redis: privateRedis.url, dataDir: join(config.dataDir, 'redis'), owned: privateRedis.owned }, 'using the private redis-server');
  }
  return {
    database,
    redisUrl: config.redisUrl ?? privateRedis!.url,
    ...(privateRedis ? { privateRedis } : {}),
    close: async () => {
      await control?.close();
      await database.close();
      await privateRedis?.stop();
    },
  };
}

/** Without it the tools refuse while the server runs (and say so); the server itself works on. */
async function openControlChannel(dataDir: string, database: Database, log: Logger): Promise<ControlChannel | undefined> {
  const path = controlSocketPath(dataDir);
  const deps = { db: database.db, directory: database.directory, database, now: () => new Date(), newId: randomUUID, performer: `the running server (pid ${process.pid})` };
  const serve = serveControlChannel(path, async (request) => {
    const reply = await performControl(deps, request);
    const op = (request as { op?: unknown } | undefined)?.op;
    // Never the reply itself: it may carry a new API key.
    if (reply.ok) log.info({ op, ...(reply.op === 'backup' ? { file: reply.file, bytes: reply.bytes } : reply.op === 'create-user' ? { userId: reply.id, role: reply.role } : { keyId: reply.id, role: reply.role }) }, 'control request done');
    else log.warn({ op, error: reply.error, ...('message' in reply ? { message: reply.message } : {}) }, 'control request refused');
    return reply;
  });
  try {
    const channel = await serve;
    log.info({ socket: channel.path }, 'control channel open (npm run admin-key, npm run add-user, npm run backup)');
    return channel;
  } catch (err) {
    // E.g. a DATA_DIR path too long for a Unix socket (about 100 bytes).
    log.warn({ err, socket: path }, 'control channel not available: admin-key and backup will refuse while this server runs');
    return undefined;
  }
}
