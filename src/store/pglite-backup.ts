/**
 * Backup and restore of the embedded database.
 *
 * A snapshot is PGlite's own `dumpDataDir()`: a tar of the data folder, taken by the process
 * that has it open (a second process must never open it; see data-lock.ts). It is consistent:
 * the dump runs under PGlite's query mutex, so no statement runs while the files are read (the
 * backend is single-threaded WASM, there is no background writer), and we also hold its
 * transaction mutex, so no transaction is half done. A CHECKPOINT first means the copy needs no
 * WAL replay when it is opened. While the copy is made (about a second for a small library)
 * the server's database work waits.
 */
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLITE_EXTENSIONS } from './pglite-extensions';
import { PAYLOADS, readBackupHeader, refuseWrongDriver, writeBackupFile, BackupRefused, type BackupSummary } from './backup-file';

export async function backupPglite(client: PGlite, file: string, takenBy: string, now: Date): Promise<BackupSummary> {
  await client.exec('CHECKPOINT');
  const tar = await client._runExclusiveTransaction(() => client.dumpDataDir('gzip'));
  const bytes = new Uint8Array(await tar.arrayBuffer());
  return writeBackupFile(file, { version: 1, driver: 'pglite', payload: PAYLOADS.pglite, createdAt: now.toISOString(), takenBy }, async (out) => {
    await new Promise<void>((resolve, reject) => out.write(bytes, (err) => (err ? reject(err) : resolve())));
  });
}

export interface PgliteRestore {
  /** Where the data that was there before now lives (nothing is deleted). */
  readonly keptAside?: string;
  readonly createdAt: string;
}

/**
 * Unpacks the backup beside `pgliteDir`, checks that PGlite opens it, then swaps folders: the
 * old one is renamed `<dir>.before-restore-<time>`. The caller holds the data lock.
 */
export async function restorePglite(file: string, pgliteDir: string, now: Date): Promise<PgliteRestore> {
  const { header, payloadOffset } = readBackupHeader(file);
  refuseWrongDriver(file, header, 'pglite');
  const staging = join(dirname(pgliteDir), `${basename(pgliteDir)}.restoring`);
  rmSync(staging, { recursive: true, force: true }); // a previous restore that did not finish
  const payload = readFileSync(file).subarray(payloadOffset);
  try {
    const client = new PGlite(staging, { loadDataDir: new Blob([payload]), extensions: PGLITE_EXTENSIONS });
    await client.waitReady;
    await client.query('select 1');
    await client.close();
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw new BackupRefused(`${basename(file)} could not be opened as a PGlite database (${(err as Error).message}); nothing was changed`);
  }
  let keptAside: string | undefined;
  if (existsSync(pgliteDir)) {
    keptAside = `${pgliteDir}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
    renameSync(pgliteDir, keptAside);
  }
  renameSync(staging, pgliteDir);
  return { ...(keptAside ? { keptAside } : {}), createdAt: header.createdAt };
}
