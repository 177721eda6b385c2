/**
 * Opens the things the server and the worker process share: the database (PGlite under
 * DATA_DIR or PostgreSQL) and Redis (REDIS_URL or a private redis-server), and closes them
 * in the reverse order.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/load';
import { ensurePrivateRedis, type PrivateRedis } from '../workers/private-redis';
import { openDatabase, type Database } from './store/db';

export interface Runtime {
  readonly database: Database;
  readonly redisUrl: string;
  readonly privateRedis?: PrivateRedis;
  close(): Promise<void>;
}

export async function openRuntime(config: Config, log: Logger): Promise<Runtime> {
  const privateRedis = config.redisUrl ? undefined : await ensurePrivateRedis(config.dataDir, { bin: config.redisServerBin, log });
  if (privateRedis) {
    log.info({ redis: privateRedis.url, dataDir: join(config.dataDir, 'redis'), owned: privateRedis.owned }, 'using the private redis-server');
  }
  let database: Database;
  try {
    database = config.databaseUrl
      ? await openDatabase({ driver: 'postgres', url: config.databaseUrl })
      : await openDatabase({ driver: 'pglite', dataDir: join(config.dataDir, 'pglite') });
  } catch (err) {
    await privateRedis?.stop();
    throw err;
  }
  log.info({ driver: database.driver, ...(database.driver === 'pglite' ? { dataDir: join(config.dataDir, 'pglite') } : {}) }, 'database ready, migrations applied');
  return {
    database,
    redisUrl: config.redisUrl ?? privateRedis!.url,
    ...(privateRedis ? { privateRedis } : {}),
    close: async () => {
      await database.close();
      await privateRedis?.stop();
    },
  };
}
