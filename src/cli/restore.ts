/**
 * `npm run restore -- FILE [--force]`: puts a backup made by `npm run backup` back, with the
 * server stopped.
 *
 * Embedded: the backup is unpacked and opened beside the data folder, then the folders are
 * swapped; the old one is kept as `DATA_DIR/pglite.before-restore-<time>`, never deleted.
 * PostgreSQL: restored into DATABASE_URL in one transaction; a database with tables in it is
 * refused unless --force, which replaces everything in it.
 */
import { join, resolve } from 'node:path';
import { BackupRefused, readBackupHeader, refuseWrongDriver } from '../store/backup-file';
import { acquireDataLock, DataDirLocked } from '../store/data-lock';
import { restorePglite } from '../store/pglite-backup';
import { restorePostgres } from '../store/postgres-backup';
import { cliConfig, EXIT, parseArgs, runAsMain, type CliIo } from './io';
import { lockedRefusal } from './store-access';

const USAGE = 'usage: npm run restore -- FILE [--force]';

export async function restore(io: CliIo): Promise<number> {
  const args = parseArgs(io.argv, [], ['--force']);
  if (typeof args === 'string' || args.rest.length !== 1) {
    io.stderr(`${typeof args === 'string' ? args : args.rest.length === 0 ? 'which backup file?' : `${args.rest[1]}: not understood`}\n${USAGE}`);
    return EXIT.usage;
  }
  const config = cliConfig(io);
  if (typeof config === 'number') return config;
  const file = resolve(io.cwd, args.rest[0]!);
  try {
    refuseWrongDriver(file, readBackupHeader(file).header, config.databaseUrl ? 'postgres' : 'pglite');
    if (config.databaseUrl) {
      const done = await restorePostgres(file, config.databaseUrl, { force: args.flags.force === 'true' });
      io.stderr(
        `restored ${file} (taken ${done.createdAt}) into database ${done.database}` +
          (done.replacedTables > 0 ? `; the ${done.replacedTables} tables that were there were replaced` : '') +
          '. Start the server: it applies any newer migrations.',
      );
      return EXIT.done;
    }
    const pgliteDir = resolve(join(config.dataDir, 'pglite'));
    const lock = await acquireDataLock(pgliteDir, { holder: 'restore' });
    try {
      const done = await restorePglite(file, pgliteDir, new Date());
      io.stderr(
        `restored ${file} (taken ${done.createdAt}) into ${pgliteDir}` +
          (done.keptAside ? `; the data that was there is kept in ${done.keptAside} (delete it once you are satisfied)` : '') +
          '. Start the server: it applies any newer migrations.',
      );
      return EXIT.done;
    } finally {
      lock.release();
    }
  } catch (err) {
    if (err instanceof DataDirLocked) io.stderr(lockedRefusal(err, 'restore').message);
    else if (err instanceof BackupRefused) io.stderr(`restore: ${err.message}`);
    else throw err;
    return EXIT.refused;
  }
}

if (require.main === module) runAsMain('restore', restore);
