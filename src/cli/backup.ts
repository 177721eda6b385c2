/**
 * `npm run backup -- [--out FILE]`: a consistent snapshot of the whole database, while the
 * server runs or not. Embedded: the running server makes it (it alone may read its open data
 * folder), or this process from the stopped store. PostgreSQL: pg_dump. The file names the
 * driver it is for (backup-file.ts); `npm run restore -- FILE` puts it back.
 */
import { resolve } from 'node:path';
import { cliConfig, EXIT, parseArgs, runAsMain, type CliIo } from './io';
import { runOrSayRefused } from './store-access';

const USAGE = 'usage: npm run backup -- [--out FILE]';

export function defaultBackupName(driver: 'pglite' | 'postgres', at: Date): string {
  return `ill-backup-${at.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}.${driver}`;
}

export async function backup(io: CliIo): Promise<number> {
  const args = parseArgs(io.argv, ['--out']);
  if (typeof args === 'string' || args.rest.length > 0) {
    io.stderr(`${typeof args === 'string' ? args : `${args.rest[0]}: not understood`}\n${USAGE}`);
    return EXIT.usage;
  }
  const config = cliConfig(io);
  if (typeof config === 'number') return config;
  const file = resolve(io.cwd, args.flags.out ?? defaultBackupName(config.databaseUrl ? 'postgres' : 'pglite', new Date()));
  const work = await runOrSayRefused(config, { op: 'backup', file }, 'backup', io.stderr);
  if (!work) return EXIT.refused;
  const { reply } = work;
  if (reply.ok && reply.op === 'backup') {
    io.stdout(reply.file);
    io.stderr(`backup of ${reply.header.driver === 'pglite' ? 'the embedded database' : 'PostgreSQL'} written: ${reply.file} (${megabytes(reply.bytes)}, taken by ${reply.header.takenBy})`);
    return EXIT.done;
  }
  io.stderr(`backup: ${!reply.ok && 'message' in reply ? reply.message : 'unexpected answer'}`);
  return EXIT.refused;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

if (require.main === module) runAsMain('backup', backup);
