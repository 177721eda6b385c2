/**
 * Backup and restore on PostgreSQL with the server's own tools (Debian: postgresql-client).
 *
 * A backup is `pg_dump --format=custom`, which reads one snapshot of the database, so it is
 * consistent while servers keep working. A restore goes into the configured database in ONE
 * transaction (pg_restore writes the SQL, psql runs it between BEGIN and COMMIT): it either
 * completes or leaves the database as it was. It refuses a database that already has tables
 * unless told `force`, in which case that same transaction first drops the schemas `public`
 * and `drizzle` (the migrations' bookkeeping), so nothing of the old data survives.
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { Client } from 'pg';
import { PAYLOADS, readBackupHeader, refuseWrongDriver, writeBackupFile, BackupRefused, type BackupSummary } from './backup-file';

/** The application_name of the server's and the workers' connections (db.ts sets it). */
export const APPLICATION_NAME = 'ill-broker';

export async function backupPostgres(url: string, file: string, takenBy: string, now: Date): Promise<BackupSummary> {
  const conn = connection(url);
  const pgDump = findPgTool('pg_dump');
  return writeBackupFile(file, { version: 1, driver: 'postgres', payload: PAYLOADS.postgres, createdAt: now.toISOString(), takenBy }, (out) =>
    run(pgDump, ['--format=custom', '--no-owner', '--no-privileges', `--dbname=${conn.dbname}`], conn.env, { stdout: out }),
  );
}

export interface PostgresRestore {
  readonly database: string;
  /** Tables that were there before and were dropped (force). */
  readonly replacedTables: number;
  readonly createdAt: string;
}

export async function restorePostgres(file: string, url: string, options: { readonly force: boolean }): Promise<PostgresRestore> {
  const { header, payloadOffset } = readBackupHeader(file);
  refuseWrongDriver(file, header, 'postgres');
  const conn = connection(url);
  const { servers, tables } = await inspect(url);
  if (servers.count > 0) {
    throw new BackupRefused(
      `${servers.count} connection(s) of an ILL broker server or worker are open on database ${conn.name} (since ${servers.since}): stop every server and worker first`,
    );
  }
  if (tables > 0 && !options.force) {
    throw new BackupRefused(
      `database ${conn.name} is not empty (${tables} tables); run again with --force to replace everything in it with the backup (in one transaction), or restore into an empty database`,
    );
  }
  const pgRestore = findPgTool('pg_restore');
  const psql = findPgTool('psql');
  // An explicit transaction, committed only after pg_restore has finished well: if it fails
  // halfway, psql's input ends without COMMIT and the server rolls everything back.
  const prelude = options.force ? 'DROP SCHEMA IF EXISTS drizzle CASCADE;\nDROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\nGRANT USAGE ON SCHEMA public TO PUBLIC;\n' : '';
  const sql = spawnTool(pgRestore, ['--no-owner', '--no-privileges', '--file=-'], conn.env);
  createReadStream(file, { start: payloadOffset }).pipe(sql.child.stdin!);
  const apply = run(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--file=-', `--dbname=${conn.dbname}`], conn.env, {
    stdin: (stdin) => {
      stdin.write(`BEGIN;\n${prelude}`);
      sql.child.stdout!.pipe(stdin, { end: false });
      sql.done.then(
        () => stdin.end('COMMIT;\n'),
        () => stdin.end(),
      );
    },
  });
  const [made, applied] = await Promise.allSettled([sql.done, apply]);
  // psql's own error says more than pg_restore's broken pipe that follows from it.
  if (applied.status === 'rejected') throw applied.reason;
  if (made.status === 'rejected') throw made.reason;
  return { database: conn.name, replacedTables: options.force ? tables : 0, createdAt: header.createdAt };
}

async function inspect(url: string): Promise<{ servers: { count: number; since: string | null }; tables: number }> {
  const client = new Client({ connectionString: url, application_name: `${APPLICATION_NAME}-restore`, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const servers = await client.query<{ n: number; since: Date | null }>(
      'select count(*)::int as n, min(backend_start) as since from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and application_name = $1',
      [APPLICATION_NAME],
    );
    const tables = await client.query<{ n: number }>("select count(*)::int as n from information_schema.tables where table_schema in ('public', 'drizzle')");
    return { servers: { count: servers.rows[0]!.n, since: servers.rows[0]!.since?.toISOString() ?? null }, tables: tables.rows[0]!.n };
  } finally {
    await client.end();
  }
}

/** The password goes in the environment, not on a command line every user can read. */
function connection(url: string): { dbname: string; name: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { dbname: u.toString(), name: decodeURIComponent(u.pathname.slice(1)) || '(default)', env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

/**
 * Debian installs the tools per major version under /usr/lib/postgresql/<n>/bin (the wrapper in
 * /usr/bin needs a local cluster to choose one); the newest can dump every older server.
 */
export function findPgTool(name: 'pg_dump' | 'pg_restore' | 'psql'): string {
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian) ? readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  const candidates = [...versions.map((v) => join(debian, v, 'bin', name)), ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, name))];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new BackupRefused(`${name} was not found: install it with \`sudo apt-get install -y postgresql-client\` (the same major version as the server or newer)`);
  return found;
}

interface Running {
  readonly child: ReturnType<typeof spawn>;
  readonly done: Promise<void>;
}

function spawnTool(bin: string, args: readonly string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn(bin, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  // A tool that stops reading early (it failed) must not crash us with EPIPE; its exit code says it.
  child.stdin!.on('error', () => {});
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', (err) => reject(new BackupRefused(`${basename(bin)} could not run: ${err.message}`)));
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new BackupRefused(`${basename(bin)} failed (exit ${code}): ${lastLines(stderr)}`));
    });
  });
  return { child, done };
}

async function run(bin: string, args: readonly string[], env: NodeJS.ProcessEnv, io: { stdout?: Writable; stdin?: (stdin: Writable) => void }): Promise<void> {
  const tool = spawnTool(bin, args, env);
  if (io.stdin) io.stdin(tool.child.stdin!);
  else tool.child.stdin!.end();
  if (io.stdout) (tool.child.stdout as Readable).pipe(io.stdout, { end: false });
  else tool.child.stdout!.resume();
  await tool.done;
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ') || 'no message';
}
