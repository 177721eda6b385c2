/**
 * The backup file: one header line saying what it is, then the driver's own snapshot.
 *
 *   ILL-BROKER-BACKUP {"version":1,"driver":"pglite","payload":"pglite-datadir-tar.gz",...}\n
 *   <payload bytes>
 *
 * The payload is a gzipped tar of the PGlite data folder, or a pg_dump archive (custom format);
 * `tail -n +2 FILE` gives it back for the tools that know it (tar, pg_restore).
 */
import { closeSync, createWriteStream, linkSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

export const BACKUP_MAGIC = 'ILL-BROKER-BACKUP';

export const PAYLOADS = { pglite: 'pglite-datadir-tar.gz', postgres: 'pg_dump-custom' } as const;
export type Driver = keyof typeof PAYLOADS;

export interface BackupHeader {
  readonly version: 1;
  readonly driver: Driver;
  readonly payload: (typeof PAYLOADS)[Driver];
  /** ISO 8601. */
  readonly createdAt: string;
  /** How it was taken, for the operator: "through the running server (pid 12)", "from the stopped store". */
  readonly takenBy: string;
}

export interface BackupSummary {
  readonly file: string;
  readonly bytes: number;
  readonly header: BackupHeader;
}

/** Something the operator must fix; the message is the one line to show. */
export class BackupRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupRefused';
  }
}

export const DRIVER_NAMES: Readonly<Record<Driver, string>> = {
  pglite: 'the embedded database (PGlite, DATA_DIR)',
  postgres: 'a PostgreSQL database (DATABASE_URL)',
};

/**
 * Writes header and payload to `<file>.partial`, then links it into place: a backup that
 * failed halfway never looks like a finished one, and an existing file is never overwritten.
 */
export async function writeBackupFile(file: string, header: BackupHeader, writePayload: (out: Writable) => Promise<void>): Promise<BackupSummary> {
  const partial = `${file}.partial`;
  let stream;
  try {
    stream = createWriteStream(partial, { flags: 'wx', mode: 0o600 });
    await new Promise<void>((resolve, reject) => stream!.once('open', () => resolve()).once('error', reject));
  } catch (err) {
    throw new BackupRefused(`cannot write ${partial}: ${(err as Error).message}`);
  }
  try {
    stream.write(`${BACKUP_MAGIC} ${JSON.stringify(header)}\n`);
    await writePayload(stream);
    stream.end();
    await finished(stream);
    try {
      linkSync(partial, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new BackupRefused(`${file} exists already; choose another --out`);
      throw err;
    }
  } catch (err) {
    stream.destroy();
    throw err;
  } finally {
    rmSync(partial, { force: true });
  }
  return { file, bytes: statSync(file).size, header };
}

/** Reads and checks the header; the payload starts at `payloadOffset`. */
export function readBackupHeader(file: string): { header: BackupHeader; payloadOffset: number } {
  let fd;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new BackupRefused(`cannot read ${file}: ${(err as Error).message}`);
  }
  const head = Buffer.alloc(4096);
  let length;
  try {
    length = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const end = head.subarray(0, length).indexOf(0x0a);
  const line = end < 0 ? '' : head.subarray(0, end).toString('utf8');
  const notOurs = new BackupRefused(`${basename(file)} is not a backup made by npm run backup (it does not start with ${BACKUP_MAGIC})`);
  if (!line.startsWith(`${BACKUP_MAGIC} `)) throw notOurs;
  let header: Partial<BackupHeader>;
  try {
    header = JSON.parse(line.slice(BACKUP_MAGIC.length + 1)) as Partial<BackupHeader>;
  } catch {
    throw notOurs;
  }
  if (header.version !== 1 || (header.driver !== 'pglite' && header.driver !== 'postgres') || header.payload !== PAYLOADS[header.driver]) {
    throw new BackupRefused(`${basename(file)} is a backup of a kind this version cannot restore (${line.slice(0, 200)})`);
  }
  return { header: header as BackupHeader, payloadOffset: end + 1 };
}

export function refuseWrongDriver(file: string, header: BackupHeader, configured: Driver): void {
  if (header.driver === configured) return;
  throw new BackupRefused(
    `${basename(file)} is a backup of ${DRIVER_NAMES[header.driver]}, but this configuration uses ${DRIVER_NAMES[configured]}: ` +
      (header.driver === 'pglite' ? 'unset DATABASE_URL to restore it into DATA_DIR' : 'set DATABASE_URL to the database to restore it into'),
  );
}
